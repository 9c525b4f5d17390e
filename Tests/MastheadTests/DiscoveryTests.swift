import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MastheadStorage
import MastheadTestSupport
import Testing

@testable import Masthead
@testable import MastheadDomain
@testable import MastheadSQLite

@Suite struct RelatedTests {
    /// T shares a rare tag with X and Z, a common one with Y, Z and five fillers; Y has T's author.
    private static func seedCatalogue(_ seed: Seeder) async throws {
        try await seed.author("ann")
        try await seed.author("bob")
        for tag in ["common", "rare", "lonely"] { try await seed.tag(tag) }
        try await seed.article(
            "t",
            title: "Kubernetes Deployment Strategies",
            author: "ann",
            tags: ["rare", "common"],
            publishedAt: seed.daysAgo(5)
        )
        try await seed.article("x", author: "bob", tags: ["rare"], publishedAt: seed.daysAgo(10))
        try await seed.article("y", author: "ann", tags: ["common"], publishedAt: seed.daysAgo(20))
        try await seed.article("z", author: "bob", tags: ["common", "rare"], publishedAt: seed.daysAgo(50))
        for index in 1...5 {
            try await seed.article(
                "filler-\(index)",
                author: "bob",
                tags: ["common"],
                publishedAt: seed.daysAgo(Int64(index))
            )
        }
        try await seed.article("w", title: "Kubernetes in Practice", author: "bob", publishedAt: seed.daysAgo(30))
        try await seed.article("v", title: "Nothing Alike", author: "bob", publishedAt: seed.daysAgo(2))
        try await seed.article(
            "lone",
            title: "Deployment Checklists",
            author: "bob",
            tags: ["lonely"],
            publishedAt: seed.daysAgo(3),
            body: "Lists for shipping safely."
        )
        try await seed.article("draft-twin", author: "ann", tags: ["rare", "common"], publishedAt: nil)
    }

    @Test(arguments: AppEngine.available) func sharedRareTagsOutrankCommonOnesAndReasonsSayWhy(engine: AppEngine)
        async throws
    {
        try await withApp(on: engine, seed: Self.seedCatalogue) { client, _ async throws in
            let response = try await client.get("/v1/articles/t/related")
            #expect(response.status == .ok)
            let json = try response.json
            #expect(json["data"].slugs == ["z", "x", "y"])
            #expect(json["meta"]["limit"].int == 3)
            let reasons = json["data"].array.map { $0["reason"] }
            #expect(
                reasons[0]
                    == .object([
                        "shared_tags": .array([.string("rare"), .string("common")]), "same_author": .bool(false),
                    ])
            )
            #expect(reasons[1] == .object(["shared_tags": .array([.string("rare")]), "same_author": .bool(false)]))
            #expect(reasons[2] == .object(["shared_tags": .array([.string("common")]), "same_author": .bool(true)]))
            let scores = try json["data"].array.map { try #require($0["score"].number) }
            #expect(scores == scores.sorted(by: >))
            #expect(!json["data"].slugs.contains("draft-twin"))
            #expect(json["data"][0].keys.isSuperset(of: ["id", "title", "author", "tags", "score", "reason"]))
            // Deterministic.
            #expect(try await client.get("/v1/articles/t/related").body == response.body)
        }
    }

    @Test(arguments: AppEngine.available) func fewerTaggedMatchesAreFilledBySimilarText(engine: AppEngine) async throws
    {
        try await withApp(on: engine, seed: Self.seedCatalogue) { client, _ async throws in
            let json = try await client.get("/v1/articles/lone/related?limit=2").json
            #expect(json["data"].slugs == ["t"])
            #expect(json["data"][0]["reason"] == .object(["similar_text": .bool(true)]))
            let more = try await client.get("/v1/articles/t/related?limit=12").json["data"]
            #expect(
                more.slugs.prefix(8) == ["z", "x", "y", "filler-1", "filler-2", "filler-3", "filler-4", "filler-5"]
            )
            #expect(more.slugs.dropFirst(8).contains("w"))
            #expect(more.array.last?["reason"]["similar_text"].bool == true)
        }
    }

    @Test(arguments: AppEngine.available) func relatedOfAnUnknownOrDraftArticleIs404(engine: AppEngine) async throws {
        try await withApp(on: engine, seed: Self.seedCatalogue) { client, _ async throws in
            #expect(try await client.get("/v1/articles/missing/related").status == .notFound)
            #expect(try await client.get("/v1/articles/draft-twin/related").status == .notFound)
            for query in ["limit=0", "limit=13", "sort=score"] {
                #expect(try await client.get("/v1/articles/t/related?\(query)").status == .badRequest)
            }
        }
    }

    @Test(arguments: AppEngine.available) func theDemoGoArticleIsRelatedByItsTags(engine: AppEngine) async throws {
        try await withApp(on: engine, demo: true) { client, _ async throws in
            let json = try await client.get("/v1/articles/go-in-production/related").json
            #expect(json["data"].array.count == 3)
            for item in json["data"].array {
                let shared = item["reason"]["shared_tags"].array.compactMap(\.string)
                #expect(!shared.isEmpty)
                #expect(Set(shared).isSubset(of: ["api", "go", "observability"]))
            }
        }
    }
}

@Suite struct SearchTests {
    private static func seedDocuments(_ seed: Seeder) async throws {
        try await seed.author("ann", name: "Ann Observer")
        try await seed.tag("shutdown", name: "Shutdown")
        try await seed.article(
            "in-title",
            title: "Graceful Shutdown",
            author: "ann",
            publishedAt: seed.daysAgo(3),
            body: "Stopping things."
        )
        try await seed.article(
            "in-body",
            title: "Operations Notes",
            author: "ann",
            publishedAt: seed.daysAgo(2),
            body: "Here we discuss a graceful shutdown, among other things like `<script>` tags & deployment."
        )
        try await seed.article("hidden", title: "Shutdown Secrets", author: "ann", publishedAt: nil)
        try await seed.article("later", title: "Shutdown Later", author: "ann", publishedAt: seed.now.adding(days: 1))
    }

    @Test(arguments: AppEngine.available) func aTitleMatchOutranksABodyMatch(engine: AppEngine) async throws {
        // BM25 gives a word held by half the public documents no weight: a few public
        // articles without it make "graceful" rare enough to score.
        let seed: @Sendable (Seeder) async throws -> Void = { seed in
            try await Self.seedDocuments(seed)
            for slug in ["one", "two", "three", "four"] {
                try await seed.article(slug, title: "Notes \(slug)", author: "ann", publishedAt: seed.daysAgo(5))
            }
        }
        try await withApp(on: engine, seed: seed) { client, _ async throws in
            let response = try await client.get("/v1/search?q=graceful")
            #expect(response.status == .ok)
            let json = try response.json
            #expect(json["data"].slugs == ["in-title", "in-body"])
            let first = json["data"][0]
            #expect(first.keys == ["type", "slug", "title", "snippet", "score"])
            #expect(first["type"].string == "article")
            #expect(first["snippet"].string == "<mark>Graceful</mark> Shutdown")
            #expect((first["score"].number ?? 0) > (json["data"][1]["score"].number ?? 0))
            #expect(json["meta"]["pagination"]["total"].int == 2)
        }
    }

    /// Matches are found in the whole body, but ranked by the title, the excerpt and the body's
    /// lead: a word repeated deep in a long body does not outrank the article it titles.
    @Test(arguments: AppEngine.available) func aTitleMatchOutranksAWordRepeatedDeepInALongBody(engine: AppEngine)
        async throws
    {
        let filler = Array(repeating: "Nothing to see in this paragraph, only words that fill the page.", count: 30)
        let deep = (filler + Array(repeating: "Kubernetes again.", count: 12)).joined(separator: "\n\n")
        try await withApp(
            on: engine,
            seed: { seed in
                try await seed.author("ann", name: "Ann Observer")
                try await seed.article(
                    "deep",
                    title: "Long Notes",
                    author: "ann",
                    publishedAt: seed.daysAgo(1),
                    body: deep
                )
                try await seed.article(
                    "titled",
                    title: "Kubernetes in Practice",
                    author: "ann",
                    publishedAt: seed.daysAgo(5),
                    body: "A short one."
                )
            }
        ) { client, _ async throws in
            let searched = try await client.get("/v1/search?q=kubernetes&type=article").json
            #expect(searched["data"].slugs == ["titled", "deep"])
            let listed = try await client.get("/v1/articles?q=kubernetes").json
            #expect(listed["data"].slugs == ["titled", "deep"])
            #expect(listed["meta"]["pagination"]["total"].int == 2)
        }
    }

    @Test(arguments: AppEngine.available) func searchCoversEveryKindAndTypeRestrictsIt(engine: AppEngine) async throws {
        try await withApp(on: engine, seed: Self.seedDocuments) { client, _ async throws in
            let all = try await client.get("/v1/search?q=shutdown").json["data"]
            #expect(Set(all.array.compactMap { $0["type"].string }) == ["article", "tag"])
            #expect(!all.slugs.contains("hidden") && !all.slugs.contains("later"))
            #expect(try await client.get("/v1/search?q=shutdown&type=tag").json["data"].slugs == ["shutdown"])
            #expect(try await client.get("/v1/search?q=observer&type=author,tag").json["data"].slugs == ["ann"])
            #expect(
                try await client.get("/v1/search?q=shutdown&type=article&limit=1&page=2").json["data"].slugs.count == 1
            )
        }
    }

    @Test(arguments: AppEngine.available) func phrasesPrefixesAndStemsWork(engine: AppEngine) async throws {
        try await withApp(on: engine, seed: Self.seedDocuments) { client, _ async throws in
            #expect(
                try await client.get("/v1/search?q=%22graceful+shutdown%22&type=article").json["data"].slugs == [
                    "in-title", "in-body",
                ]
            )
            #expect(try await client.get("/v1/search?q=%22shutdown+graceful%22").json["data"].slugs.isEmpty)
            let operat = try await client.get("/v1/search?q=operat*").json["data"]
            #expect(operat.slugs == ["in-body"], "\(operat)")
            #expect(try await client.get("/v1/search?q=deploying").json["data"].slugs == ["in-body"])
            #expect(try await client.get("/v1/search?q=graceful+stopping").json["data"].slugs == ["in-title"])
        }
    }

    @Test(arguments: AppEngine.available) func snippetsAreEscapedHTMLWithMarks(engine: AppEngine) async throws {
        try await withApp(on: engine, seed: Self.seedDocuments) { client, _ async throws in
            let snippet = try await client.get("/v1/search?q=script").json["data"][0]["snippet"].string ?? ""
            #expect(snippet.contains("&lt;<mark>script</mark>&gt;"))
            #expect(snippet.contains("&amp;"))
            #expect(!snippet.contains("<script"))
        }
    }

    @Test(arguments: [
        "AND", "OR", "NOT", "NEAR(", "NEAR(a b", "*", "\"", "\"\"\"", "a AND", "(", ")", "^", "col:term", "title:x",
        "caf%C3%A9", "%F0%9F%9A%80+rocket", "%E4%B8%AD%E6%96%87", "a-b", "'", "%00",
    ])
    func hostileQueriesGetResultsOrA400NeverA500(_ query: String) async throws {
        try await withApp(seed: Self.seedDocuments) { client, _ async throws in
            for path in ["/v1/search?q=\(query)", "/v1/articles?q=\(query)"] {
                let response = try await client.get(path)
                #expect(response.status == .ok || response.status == .badRequest, "\(path): \(response.status)")
                if response.status == .badRequest {
                    #expect(try response.json["code"].string == "invalid_parameter")
                }
            }
        }
    }

    @Test(arguments: ["", String(repeating: "a", count: 257), String(repeating: "%C3%A9", count: 257)])
    func emptyAndOverlongQueriesAre400(_ query: String) async throws {
        try await withApp(seed: Self.seedDocuments) { client, _ async throws in
            let response = try await client.get("/v1/search?q=\(query)")
            #expect(response.status == .badRequest)
            #expect(try response.json["code"].string == "invalid_parameter")
        }
    }

    /// A query of punctuation, spaces or emoji is a question with no answer, not a mistake.
    @Test(arguments: ["+", "%F0%9F%9A%80", "***", "%22%22", String(repeating: "%C3%A9", count: 256)])
    func queriesWithoutWordsFindNothing(_ query: String) async throws {
        try await withApp(seed: Self.seedDocuments) { client, _ async throws in
            for path in ["/v1/search?q=\(query)", "/v1/articles?q=\(query)"] {
                let response = try await client.get(path)
                #expect(response.status == .ok, "\(path)")
                #expect(try response.json["data"].array.count == 0, "\(path)")
                #expect(try response.json["meta"]["pagination"]["total"].int == 0, "\(path)")
            }
        }
    }

    /// What a query may cost is bounded before it runs: 78 one-letter prefixes would make
    /// SQLite merge the postings of nearly every word, so they are refused, as are more
    /// than 16 words or phrases.
    @Test(arguments: AppEngine.available) func costlyQueriesAre400WithAClearCode(engine: AppEngine) async throws {
        try await withApp(on: engine, seed: Self.seedDocuments) { client, _ async throws in
            let letters = "abcdefghijklmnopqrstuvwxyz"
            let prefixes = (letters + letters + letters).map { "\($0)*" }.joined(separator: "+")
            let words = (1...17).map { "word\($0)" }.joined(separator: "+")
            for (query, code) in [
                (prefixes, "prefix_too_short"), ("go+x*", "prefix_too_short"), (words, "too_many_terms"),
            ] {
                for path in ["/v1/search?q=\(query)", "/v1/articles?q=\(query)"] {
                    let response = try await client.get(path)
                    #expect(response.status == .badRequest, "\(path)")
                    #expect(try response.json["code"].string == code, "\(path)")
                    #expect(try response.json["detail"].string?.contains("'q'") == true)
                }
            }
            #expect(try await client.get("/v1/search?q=gr*+sh*").status == .ok)
        }
    }

    /// A search that runs past its budget is stopped and answered 503, saying so; the
    /// reader it held is free for the next request, and nothing about SQL leaks.
    @Test func aSearchPastItsTimeBudgetIs503() async throws {
        try await withApp(
            configure: { $0.searchTimeout = .nanoseconds(1) },
            seed: { try await SyntheticContent.generate(into: $0.database, articles: 200, now: $0.now) }
        ) { client, _ async throws in
            let title = try await client.get("/v1/articles?limit=1&fields=title").json["data"][0]["title"].string
            let word = try #require(title?.split(separator: " ").first).lowercased()
            for path in ["/v1/search?q=\(word)", "/v1/articles?q=\(word)"] {
                let response = try await client.get(path)
                #expect(response.status == .serviceUnavailable, "\(path)")
                #expect(response.headers[.retryAfter] == "1")
                let json = try response.json
                #expect(json["code"].string == "query_timeout")
                #expect(json["detail"].string?.contains("budget") == true)
                #expect(!response.text.lowercased().contains("sqlite") && !response.text.contains("interrupt"))
            }
            // Reads that are not searches have no such budget, and the readers still work.
            #expect(try await client.get("/v1/articles").status == .ok)
            #expect(try await client.get("/v1/articles/article-1").status == .ok)
        }
        try await withApp(demo: true) { client, _ async throws in
            #expect(try await client.get("/v1/search?q=observability").status == .ok, "the default budget is ample")
        }
    }

    @Test(arguments: AppEngine.available) func searchNeedsAQueryAndKnownTypes(engine: AppEngine) async throws {
        try await withApp(on: engine, seed: Self.seedDocuments) { client, _ async throws in
            #expect(try await client.get("/v1/search").status == .badRequest)
            #expect(try await client.get("/v1/search?q=x&type=draft").status == .badRequest)
            #expect(try await client.get("/v1/search?q=x&sort=title").status == .badRequest)
        }
    }

    /// The index stores no text of its own (0010): every trigger must tell it exactly what it
    /// held. FTS5's integrity check with rank 1 compares the index with the content it reads.
    @Test func theIndexFollowsEveryWrite() async throws {
        try await withApp(seed: Self.seedDocuments) { client, database async throws in
            let token = try await makeToken(database, [.contentWrite])
            func expectIndexMatchesContent(_ step: String) async throws {
                try await database.writer.write { db in
                    #expect(
                        throws: Never.self,
                        "after \(step)",
                        performing: {
                            try db.execute(
                                sql: "INSERT INTO search_index (search_index, rank) VALUES ('integrity-check', 1)"
                            )
                            try expectPublicIndexConsistent(db, step)
                        }
                    )
                }
            }
            try await expectIndexMatchesContent("seeding")
            _ = try await client.send(
                .patch,
                "/v1/articles/in-body",
                json: #"{"title":"Zebra Crossing"}"#,
                token: token
            )
            try await expectIndexMatchesContent("a new title")
            #expect(try await client.get("/v1/search?q=zebra").json["data"].slugs == ["in-body"])
            _ = try await client.send(
                .patch,
                "/v1/articles/in-title",
                json: #"{"body_markdown":"Now about **quokkas** only."}"#,
                token: token
            )
            try await expectIndexMatchesContent("a new body")
            #expect(try await client.get("/v1/search?q=quokka").json["data"].slugs == ["in-title"])
            #expect(try await client.get("/v1/search?q=stopping").json["data"].slugs.isEmpty)
            _ = try await client.send(
                .patch,
                "/v1/articles/in-title",
                json: #"{"excerpt":"Marsupial news"}"#,
                token: token
            )
            try await expectIndexMatchesContent("a custom excerpt")
            #expect(try await client.get("/v1/search?q=marsupial").json["data"].slugs == ["in-title"])
            _ = try await client.send(.patch, "/v1/tags/shutdown", json: #"{"name":"Halting"}"#, token: token)
            _ = try await client.send(.patch, "/v1/authors/ann", json: #"{"bio":"Writes on yaks."}"#, token: token)
            try await expectIndexMatchesContent("a tag and an author")
            #expect(try await client.get("/v1/search?q=halting&type=tag").json["data"].slugs == ["shutdown"])
            #expect(try await client.get("/v1/search?q=yaks").json["data"].slugs == ["ann"])
            // Unpublished, retitled while a draft, published again: out of the public index and back.
            _ = try await client.send(.patch, "/v1/articles/in-title", json: #"{"status":"draft"}"#, token: token)
            try await expectIndexMatchesContent("unpublishing")
            #expect(try await client.get("/v1/search?q=quokka").json["data"].slugs.isEmpty)
            _ = try await client.send(
                .patch,
                "/v1/articles/in-title",
                json: #"{"title":"Wallaby Weekly"}"#,
                token: token
            )
            try await expectIndexMatchesContent("a draft's new title")
            _ = try await client.send(.patch, "/v1/articles/in-title", json: #"{"status":"published"}"#, token: token)
            try await expectIndexMatchesContent("publishing again")
            #expect(try await client.get("/v1/search?q=wallaby").json["data"].slugs == ["in-title"])
            _ = try await client.send(.delete, "/v1/articles/hidden", token: token)
            try await expectIndexMatchesContent("deleting a draft")
            _ = try await client.send(.delete, "/v1/articles/in-body", token: token)
            try await expectIndexMatchesContent("a deletion")
            #expect(try await client.get("/v1/search?q=zebra").json["data"].slugs.isEmpty)
            let rows = try await database.reader.read { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM search_index_docsize")!
            }
            #expect(rows == 4)
        }
    }

    @Test func theCatalogFollowsItsWritesInTheIndex() async throws {
        try await withApp(demo: true) { client, database async throws in
            let token = try await makeToken(database, [.contentWrite])
            let platform = try await client.send(
                .patch,
                "/v1/platforms/arion",
                json: #"{"tagline":"Wombat-grade presence"}"#,
                token: token
            )
            #expect(platform.status == .ok)
            #expect(
                try await client.send(.delete, "/v1/services/build-your-clarity", token: token).status == .noContent
            )
            try await database.writer.write { db in
                try db.execute(sql: "INSERT INTO search_index (search_index, rank) VALUES ('integrity-check', 1)")
                try expectPublicIndexConsistent(db, "catalog writes")
            }
            #expect(try await client.get("/v1/search?q=wombat&type=platform").json["data"].slugs == ["arion"])
            #expect(try await client.get("/v1/search?q=clarity&type=service").json["data"].slugs.isEmpty)
        }
    }

    /// A search counts its matches up to `SearchQuery.reachableMatches` and pages through
    /// that many: counting every match of a common word would cost as much as ranking them.
    @Test func totalsAreExactUpToTheBoundAndPagesStopThere() async throws {
        let bound = SearchQuery.reachableMatches
        try await withApp(seed: { seed in
            try await seed.author("ann", name: "Ann")
            let published = seed.daysAgo(1)
            try await seed.database.writer.write { db in
                for number in 1...(bound + 5) {
                    var record = ArticleRecord(
                        slug: "common-\(number)",
                        title: "Common \(number)",
                        excerpt: "",
                        status: "published",
                        featured: false,
                        publishedAt: published,
                        authorId: 1,
                        wordCount: 0,
                        readingTimeMinutes: 1,
                        createdAt: published,
                        updatedAt: published
                    )
                    let body = record.setBody("A common body.")
                    try record.insert(db)
                    try body.save(for: record.id!, db)
                }
            }
        }) { client, _ async throws in
            let first = try await client.get("/v1/search?q=common&type=article&limit=100")
            #expect(first.status == .ok)
            let json = try first.json
            #expect(json["meta"]["pagination"]["total"].int == bound)
            #expect(json["meta"]["pagination"]["pages"].int == bound / 100)
            #expect(first.headers[.xTotalCount] == "\(bound)")
            let last = try await client.get("/v1/search?q=common&type=article&limit=100&page=\(bound / 100)").json
            #expect(last["data"].array.count == 100)
            #expect(last["meta"]["pagination"]["next"].isNull)
            let beyond = try await client.get("/v1/search?q=common&type=article&limit=100&page=\(bound / 100 + 1)")
            #expect(beyond.status == .ok)
            #expect(try beyond.json["data"].array.isEmpty)
            let list = try await client.get("/v1/articles?q=common&limit=100").json
            #expect(list["meta"]["pagination"]["total"].int == bound)
            // Below the bound, the count is exact.
            #expect(try await client.get("/v1/search?q=ann").json["meta"]["pagination"]["total"].int == 1)
        }
    }

    /// The index's doc ids (0010): an article's own id, the other kinds below zero, each
    /// mapping back to its kind and row, and the same numbers the migration's view makes.
    @Test func searchDocumentIDsMapBackToTheirKindAndRow() {
        for kind in SearchKind.allCases {
            for id: Int64 in [1, 2, 7, 123_456] {
                let doc = SearchDocument.docID(kind: kind, id: id)
                #expect((doc > 0) == (kind == .article))
                let (mappedKind, mappedID) = SearchDocument.kindAndID(of: doc)
                #expect(mappedKind == kind && mappedID == id, "\(kind) \(id) → \(doc)")
            }
        }
        #expect(SearchDocument.docID(kind: .author, id: 3) == -12)
        #expect(SearchDocument.docID(kind: .service, id: 3) == -15)
    }

    @Test(arguments: AppEngine.available) func theDemoFindsObservPrefixAcrossTypes(engine: AppEngine) async throws {
        try await withApp(on: engine, demo: true) { client, _ async throws in
            let json = try await client.get("/v1/search?q=observ*").json
            let types = Set(json["data"].array.compactMap { $0["type"].string })
            #expect(types.isSuperset(of: ["article", "tag", "platform"]))
            #expect(json["data"].array.allSatisfy { $0["snippet"].string?.contains("<mark>") == true })
        }
    }
}

/// The public index (migration 0016) holds exactly its content: FTS5 compares the two (rank
/// 1), and that content is every author, tag, platform and service and the articles flagged
/// searchable, none of them unpublished.
func expectPublicIndexConsistent(_ db: Database, _ step: String) throws {
    try db.execute(sql: "INSERT INTO public_search_index (public_search_index, rank) VALUES ('integrity-check', 1)")
    let indexed = try Int64.fetchAll(db, sql: "SELECT id FROM public_search_index_docsize ORDER BY id")
    let expected = try Int64.fetchAll(
        db,
        sql: """
            SELECT doc_id FROM search_documents
            WHERE doc_id < 0 OR doc_id IN (SELECT id FROM articles WHERE searchable = 1) ORDER BY doc_id
            """
    )
    #expect(indexed == expected, "after \(step)")
    let unpublished = try Int.fetchOne(
        db,
        sql: "SELECT count(*) FROM articles WHERE searchable = 1 AND status <> 'published'"
    )
    #expect(unpublished == 0, "after \(step)")
}
