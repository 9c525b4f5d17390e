import Foundation
import GRDB
import HummingbirdTesting
import MastheadSQLite
import MastheadStorage
import MastheadTestSupport
import PostgresNIO
import Testing

@testable import Masthead
@testable import MastheadDomain
@testable import MastheadPostgres

/// A kind's details (`Details`: an article's, an author's, a tag's, a platform's) are described
/// once; these tests hold every place a resource goes to that description, so a detail added
/// to it reaches all of them.
@Suite struct DetailsTests {
    /// A valid value of its own for each detail.
    static func value<Owner>(of field: DetailField<Owner>) -> DetailValue {
        switch field.rule {
        case .url: .text("https://example.com/\(field.name)")
        case .text: .text("The \(field.name) given")
        case .flag: .flag(true)
        case .number(let range): .number(Int64(range.upperBound))
        case .time: .time(Timestamp(secondsSinceEpoch: 1_772_357_400))
        }
    }

    /// A detail as a response serves it: a media reference (`MediaReference`) as the image's
    /// object, whose `id` is the detail.
    private static func served<Owner>(_ json: JSON, _ field: DetailField<Owner>) -> JSON {
        MediaReference.fields.contains { $0.column == field.name } ? json[field.name]["id"] : json[field.name]
    }

    /// The image every media reference names (`value(of:)`: the largest id), as a row.
    private static func seedImage(_ storage: TestStorage) async throws {
        try await storage.execute(
            """
            INSERT INTO media (id, hash, filename, media_type, byte_size, width, height, created_at, updated_at)
            VALUES (\(Int32.max), '\(String(repeating: "a", count: 64))', 'detail.png', 'image/png', 1, 1, 1,
                '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')
            """
        )
    }

    /// The value as `JSONSerialization` writes it into a request body.
    private static func body<Owner>(of field: DetailField<Owner>) -> Any {
        switch value(of: field) {
        case .text(let text): text
        case .flag(let flag): flag
        case .number(let number): number
        case .time(let time): time.rfc3339
        }
    }

    /// The detail as `storage` holds it in `table`'s row `slug`, read as its kind is stored.
    private static func stored<Owner>(
        _ field: DetailField<Owner>,
        in table: String,
        slug: String,
        _ storage: TestStorage
    ) async throws -> DetailValue? {
        let sql = "SELECT \(field.name) FROM \(table) WHERE slug = '\(slug)'"
        if let sqlite = storage.sqlite {
            return try await sqlite.reader.read { db in
                try Row.fetchOne(db, sql: sql)?.detail(field.name, field.rule.kind)
            }
        }
        let postgres = try #require(storage.postgres)
        return try await postgres.engine.client.withConnection { connection in
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: PostgresTestServer.logger)
                .first { try $0.detail(field.name, field.rule.kind) } ?? nil
        }
    }

    /// Every detail of `Owner`, each with its `value`.
    private static func everyDetailGiven<Owner: Details>() -> Owner {
        var details = Owner()
        for field in Owner.fields { details[field] = value(of: field) }
        return details
    }

    private static let body: String = {
        var document: [String: Any] = [
            "title": "Detailed", "slug": "detailed", "body_markdown": "Words.", "author": "ann",
            "status": "published", "published_at": "2026-01-01T00:00:00Z",
        ]
        for field in ArticleDetails.fields { document[field.name] = body(of: field) }
        return String(decoding: try! JSONSerialization.data(withJSONObject: document), as: UTF8.self)
    }()

    @Test(arguments: AppEngine.available) func everyDetailOfAnAuthorATagAndAPlatformGoesWhereverItGoes(
        engine: AppEngine
    ) async throws {
        try await withApp(on: engine) { client, storage async throws in
            let writer = try await storage.token([.contentWrite], name: "editor")
            try await Self.seedImage(storage)
            try await Self.checkDetails(
                AuthorDetails.self,
                created: ["name": "Dee Tail", "slug": "dee"],
                at: "/v1/authors",
                table: "authors",
                client,
                storage,
                token: writer
            )
            try await Self.checkDetails(
                TagDetails.self,
                created: ["name": "Dee Tail", "slug": "dee"],
                at: "/v1/tags",
                table: "tags",
                client,
                storage,
                token: writer
            )
            try await Self.checkDetails(
                PlatformDetails.self,
                created: ["name": "Dee Tail", "slug": "dee", "focus": "F", "tagline": "T", "description": "D"],
                at: "/v1/platforms",
                table: "platforms",
                client,
                storage,
                token: writer
            )
        }
    }

    /// Creates a resource with every detail of `Owner`, patches its name, and finds each
    /// detail in the answers, the read, the row and the export.
    private static func checkDetails<Owner: Details>(
        _: Owner.Type,
        created fields: [String: Any],
        at path: String,
        table: String,
        _ client: any TestClientProtocol,
        _ storage: TestStorage,
        token: String
    ) async throws {
        var document = fields
        for field in Owner.fields { document[field.name] = Self.body(of: field) }
        let body = String(decoding: try JSONSerialization.data(withJSONObject: document), as: UTF8.self)
        let created = try await client.send(.post, path, json: body, token: token)
        #expect(created.status == .created, "\(path)")
        let patched = try await client.send(.patch, "\(path)/dee", json: #"{"name": "Dee"}"#, token: token)
        #expect(patched.status == .ok, "\(path)")
        let read = try await client.send(.get, "\(path)/dee")
        #expect(read.status == .ok, "\(path)")
        let exported = try JSONDecoder().decode(
            JSON.self,
            from: try await storage.stores.portability.export().encoded()
        )
        let entry = try #require(exported[table].array.first { $0["slug"].string == "dee" }, "\(table) exported")
        for field in Owner.fields {
            let expected = value(of: field)
            let place = "\(table).\(field.name)"
            #expect(try served(created.json["data"], field) == expected.json, "\(place) created")
            #expect(try served(patched.json["data"], field) == expected.json, "\(place) patched")
            #expect(try served(read.json["data"], field) == expected.json, "\(place) read")
            #expect(try await stored(field, in: table, slug: "dee", storage) == expected, "\(place) stored")
            #expect(entry[field.name] == expected.json, "\(place) exported")
        }
    }

    @Test(arguments: AppEngine.available) func everyDetailGoesWhereverItsArticleGoes(engine: AppEngine) async throws {
        try await withApp(on: engine, seed: { try await $0.author("ann") }) { client, storage async throws in
            let writer = try await storage.token([.contentWrite], name: "editor")
            try await Self.seedImage(storage)
            let created = try await client.send(.post, "/v1/articles", json: Self.body, token: writer)
            #expect(created.status == .created)
            // A PATCH that names none of them keeps them all.
            let patched = try await client.send(
                .patch,
                "/v1/articles/detailed",
                json: #"{"title": "Still detailed"}"#,
                token: writer
            )
            #expect(patched.status == .ok)
            let read = try await client.send(.get, "/v1/articles/detailed")
            #expect(read.status == .ok)
            let revision = try await client.send(.get, "/v1/articles/detailed/revisions/1", token: writer)
            #expect(revision.status == .ok)
            let exported = try await storage.stores.portability.export()
            let exportedArticle = try JSONDecoder().decode(JSON.self, from: try exported.encoded())["articles"][0]
            for field in ArticleDetails.fields {
                let expected = Self.value(of: field).json
                #expect(try Self.served(created.json["data"], field) == expected, "\(field.name) created")
                #expect(try Self.served(patched.json["data"], field) == expected, "\(field.name) patched")
                #expect(try Self.served(read.json["data"], field) == expected, "\(field.name) read")
                #expect(try revision.json["data"]["article"][field.name] == expected, "\(field.name) revision")
                #expect(
                    try await Self.stored(field, in: "articles", slug: "detailed", storage) == Self.value(of: field),
                    "\(field.name) stored"
                )
                #expect(exportedArticle[field.name] == expected, "\(field.name) exported")
                let alone = try await client.send(.get, "/v1/articles/detailed?fields=\(field.name)")
                #expect(try alone.json["data"].keys.sorted() == [field.name], "fields=\(field.name)")
            }
            // Imported into an empty publication on the same engine, it exports the same.
            let copy = try await TestDatabase(on: engine)
            defer { withExtendedLifetime(copy) {} }  // its database goes with it
            let imported = try await TestStorage(engine, location: copy.location, clock: TestClock())
            try await imported.stores.portability.importContent(exported)
            #expect(try await imported.stores.portability.export().encoded() == exported.encoded())
            for field in ArticleDetails.fields {
                #expect(
                    try await Self.stored(field, in: "articles", slug: "detailed", imported) == Self.value(of: field),
                    "\(field.name) imported"
                )
            }
            // Each one cleared by a PATCH is stored as NULL.
            let cleared = "{" + ArticleDetails.names.map { "\"\($0)\": null" }.joined(separator: ", ") + "}"
            #expect(try await client.send(.patch, "/v1/articles/detailed", json: cleared, token: writer).status == .ok)
            for field in ArticleDetails.fields {
                #expect(
                    try await storage.integer(
                        "SELECT count(*) FROM articles WHERE slug = 'detailed' AND \(field.name) IS NULL"
                    ) == 1,
                    "\(field.name) cleared"
                )
            }
        }
    }

    /// A detail's name is a column written into SQL unquoted, a key whose camel case must turn
    /// back into it, and a response field: lowercase words joined by `_`, once per kind, and
    /// never a name the kind already serves.
    @Test func everyDetailIsNamedAsAColumnOnceInItsKind() {
        func check<Owner: Details>(_: Owner.Type, besides served: [String]) {
            let names = Owner.names
            #expect(Set(names).count == names.count, "\(Owner.self)")
            for name in names {
                #expect(name.wholeMatch(of: /[a-z]+(_[a-z]+)*/) != nil, "\(Owner.self).\(name)")
                #expect(!served.contains(name), "\(Owner.self).\(name) is served already")
            }
            // A number's column is PostgreSQL's 32-bit INTEGER.
            for field in Owner.fields {
                if case .number(let range) = field.rule {
                    #expect(Int(Int32.min) <= range.lowerBound && range.upperBound <= Int(Int32.max), "\(field.name)")
                }
            }
        }
        let identity = ["id", "slug", "revision", "created_at", "updated_at"]
        let articleFields = ArticleField.allCases.filter {
            if case .detail = $0 { false } else { true }
        }
        check(ArticleDetails.self, besides: articleFields.map(\.rawValue))
        check(AuthorDetails.self, besides: identity + ["name", "article_count"])
        check(TagDetails.self, besides: identity + ["name", "article_count"])
        check(
            PlatformDetails.self,
            besides: identity + ["name", "focus", "tagline", "description", "position", "services"]
        )
    }

    /// The hand-written coders of an article's export entry and row say every key: a property
    /// they left out would compile and be lost.
    @Test func anArticlesExportEntryAndRowCarryEveryKey() async throws {
        let details: ArticleDetails = Self.everyDetailGiven()
        let now = Timestamp(secondsSinceEpoch: 1_700_000_000)
        let entry = ArticleExport(
            slug: "a",
            title: "A",
            customExcerpt: "E",
            status: "published",
            featured: true,
            publishedAt: now,
            author: "ann",
            tags: ["t"],
            bodyMarkdown: "B",
            views: 1,
            dailyViews: [DailyViewsExport(day: "2026-01-01", views: 1)],
            oldSlugs: ["o"],
            details: details,
            revision: 1,
            createdAt: now,
            updatedAt: now
        )
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let encoded = try encoder.encode(entry)
        let keys = try JSONSerialization.jsonObject(with: encoded) as? [String: Any]
        let fixed = [
            "slug", "title", "custom_excerpt", "status", "featured", "published_at", "author", "tags", "body_markdown",
            "views", "daily_views", "old_slugs", "revision", "created_at", "updated_at",
        ]
        #expect(Set(try #require(keys).keys) == Set(fixed + ArticleDetails.names))
        // Every stored property, by name: one missing from the list above fails here.
        let properties = Mirror(reflecting: entry).children.compactMap(\.label).filter { $0 != "details" }
        let snakeCased = properties.map { name in
            name.reduce(into: "") { result, character in
                result += character.isUppercase ? "_" + character.lowercased() : String(character)
            }
        }
        #expect(Set(snakeCased) == Set(fixed))
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        #expect(try decoder.decode(ArticleExport.self, from: encoded) == entry)

        let folder = try TemporaryFolder()
        let database = try AppDatabase(path: folder.databasePath)
        let record = ArticleRecord(
            slug: "a",
            title: "A",
            excerpt: "E",
            status: "draft",
            featured: false,
            authorId: 1,
            wordCount: 1,
            readingTimeMinutes: 1,
            details: details,
            createdAt: now,
            updatedAt: now
        )
        let columns = try await database.reader.read { db in try db.columns(in: "articles").map(\.name) }
        // `searchable` is the search index's own (SQLiteSearchIndex), never the record's.
        #expect(Set(try record.databaseDictionary.keys) == Set(columns).subtracting(["searchable"]))
        var empty = record
        empty.details = ArticleDetails()
        for record in [record, empty] {
            let dictionary = try record.databaseDictionary
            let row = Row(dictionary.mapValues { $0 as (any DatabaseValueConvertible)? })
            #expect(try ArticleRecord(row: row).databaseDictionary == dictionary)
            #expect(try ArticleRecord(row: row).details == record.details)
        }
    }

    /// Revisions written before the details were described kept them under the same keys.
    @Test func aSnapshotWrittenBeforeTheDescriptionReadsItsDetails() throws {
        let stored = #"""
            {"author":"ann","body_markdown":"Words.","canonical_url":"https://example.com/c","cover_image_alt":"Alt",\#
            "cover_image_url":"https://example.com/i.png","featured":false,"seo_description":"Described",\#
            "seo_title":"Titled","slug":"kept","status":"draft","tags":[],"title":"Kept"}
            """#
        let snapshot = try ArticleSnapshot(decoding: stored)
        #expect(
            snapshot.details
                == ArticleDetails(
                    coverImageURL: "https://example.com/i.png",
                    coverImageAlt: "Alt",
                    seoTitle: "Titled",
                    seoDescription: "Described",
                    canonicalURL: "https://example.com/c"
                )
        )
        #expect(try snapshot.encoded() == stored)
    }

    /// An export's details decode back from the keys they were written with.
    @Test func anExportEntryReadsBackItsDetails() throws {
        let details: ArticleDetails = Self.everyDetailGiven()
        let now = Timestamp(secondsSinceEpoch: 1_700_000_000)
        let entry = ArticleExport(
            slug: "a",
            title: "A",
            status: "draft",
            featured: false,
            author: "ann",
            tags: [],
            bodyMarkdown: "",
            views: 0,
            dailyViews: [],
            oldSlugs: [],
            details: details,
            revision: 1,
            createdAt: now,
            updatedAt: now
        )
        let document = ContentExport(
            format: ContentExport.formatName,
            version: ContentExport.currentVersion,
            authors: [],
            tags: [],
            articles: [entry],
            platforms: [],
            services: []
        )
        #expect(try ContentExport.decode(try document.encoded()).articles == [entry])
    }
}
