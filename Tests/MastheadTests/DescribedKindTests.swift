import Foundation
import HTTPTypes
import HummingbirdTesting
import MastheadSQLite
import MastheadStorage
import MastheadTestSupport
import Testing

@testable import Masthead
@testable import MastheadDomain

/// A kind that is its description and nothing more (`DescribedInput`) is served, cached,
/// exported and imported from that description alone. No shipped kind is one yet, so the
/// tests give the application one of their own: gadgets, a name and a detail of every kind
/// of value, in a table each test makes.
@Suite struct DescribedKindTests {
    struct GadgetInput: DescribedInput {
        var slug: SlugChoice
        var name: String
        var details: DetailValueTests.GadgetDetails

        static let stored = SluggedKind<GadgetInput, DescribedResource<GadgetInput>>(
            kind: .tag,
            table: "gadgets",
            columns: [.text("name") { $0.name }],
            details: { $0.details },
            input: { row in
                GadgetInput(
                    slug: .keep,
                    name: try row.text("name"),
                    details: try DetailValueTests.GadgetDetails(reading: row.detail)
                )
            }
        )
        static let listOrder = [ListKey.text("name")]
        static let fields = Set(["slug", "name"] + DetailValueTests.GadgetDetails.names)

        static func read(from reader: inout FieldReader, existing: Bool) -> GadgetInput? {
            let name = reader.string("name", required: true, maxLength: 100)
            let slug = reader.slugChoice(titledBy: name, existing: existing, resource: .tag)
            let details = DetailValueTests.GadgetDetails.read(from: &reader)
            guard let slug, let name, reader.errors.isEmpty else { return nil }
            return GadgetInput(slug: slug, name: name, details: details)
        }
    }

    static let kinds: [any DescribedInput.Type] = [GadgetInput.self]

    /// The table a migration of the kind would make, on `storage`'s engine.
    static func createTable(_ storage: TestStorage) async throws {
        try await storage.execute(
            storage.sqlite != nil
                ? """
                CREATE TABLE gadgets (id INTEGER PRIMARY KEY, slug TEXT NOT NULL UNIQUE, name TEXT NOT NULL,
                    note TEXT, link TEXT, boxed INTEGER CHECK (boxed IN (0, 1)), weight INTEGER, ships_at TEXT,
                    revision INTEGER NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL)
                """
                : """
                CREATE TABLE gadgets (id BIGSERIAL PRIMARY KEY, slug TEXT NOT NULL UNIQUE, name TEXT NOT NULL,
                    note TEXT, link TEXT, boxed BOOLEAN, weight INTEGER, ships_at TIMESTAMPTZ,
                    revision INTEGER NOT NULL, created_at TIMESTAMPTZ NOT NULL, updated_at TIMESTAMPTZ NOT NULL)
                """
        )
    }

    static let full = #"""
        {"name": "Lamp", "note": "Fragile", "link": "https://example.com/lamp", "boxed": false, "weight": 250,
         "ships_at": "2026-03-01T10:30:00+01:00"}
        """#

    @Test(arguments: AppEngine.available) func itIsServedReadWrittenAndDeletedFromItsDescription(engine: AppEngine)
        async throws
    {
        try await withApp(on: engine, configure: { $0.describedKinds = Self.kinds }) { client, storage async throws in
            try await Self.createTable(storage)
            let writer = try await storage.token([.contentWrite], name: "editor")

            let created = try await client.send(.post, "/v1/gadgets", json: Self.full, token: writer)
            #expect(created.status == .created)
            #expect(created.headers[.location] == "/v1/gadgets/lamp")
            let data = try created.json["data"]
            #expect(
                data.keys == [
                    "id", "slug", "name", "note", "link", "boxed", "weight", "ships_at", "revision", "created_at",
                    "updated_at",
                ]
            )
            #expect(data["slug"] == .string("lamp"))
            #expect(data["boxed"] == .bool(false))
            #expect(data["weight"] == .integer(250))
            #expect(data["ships_at"] == .string("2026-03-01T09:30:00Z"))
            #expect(try await storage.integer("SELECT count(*) FROM gadgets WHERE weight = 250 AND NOT boxed") == 1)

            // Read anonymously, cached, and made fresh by a write.
            let first = try await client.get("/v1/gadgets")
            #expect(first.status == .ok)
            #expect(try first.json["data"].array.map { $0["slug"] } == [.string("lamp")])
            #expect(first.headers[.xCache] == "miss")
            #expect(try await client.get("/v1/gadgets").headers[.xCache] == "hit")
            let read = try await client.get("/v1/gadgets/lamp")
            #expect(read.status == .ok)
            #expect(try read.json["data"] == data)
            let etag = try #require(read.headers[.eTag])

            // A merge patch keeps what it does not name, and clears what it nulls.
            let patched = try await client.send(
                .patch,
                "/v1/gadgets/lamp",
                json: #"{"name": "Desk lamp", "note": null}"#,
                token: writer,
                headers: [.ifMatch: etag]
            )
            #expect(patched.status == .ok)
            #expect(try patched.json["data"]["name"] == .string("Desk lamp"))
            #expect(try patched.json["data"]["note"] == .null)
            #expect(try patched.json["data"]["weight"] == .integer(250))
            #expect(try patched.json["data"]["revision"] == .integer(2))
            let listed = try await client.get("/v1/gadgets")
            #expect(listed.headers[.xCache] == "miss")
            #expect(try listed.json["data"][0]["name"] == .string("Desk lamp"))
            let stale = try await client.send(
                .patch,
                "/v1/gadgets/lamp",
                json: #"{"name": "Lamp"}"#,
                token: writer,
                headers: [.ifMatch: etag]
            )
            #expect(stale.status == .preconditionFailed)

            // A body its rules refuse changes nothing.
            let refused = try await client.send(
                .post,
                "/v1/gadgets",
                json: #"{"name": "Box", "weight": 0, "boxed": "yes", "colour": "red"}"#,
                token: writer
            )
            #expect(refused.status == .unprocessableContent)
            let pointers = try refused.json["errors"].array.compactMap { $0["pointer"].string }
            #expect(Set(pointers) == ["/weight", "/boxed", "/colour"])
            #expect(try await storage.integer("SELECT count(*) FROM gadgets") == 1)
            let taken = try await client.send(
                .post,
                "/v1/gadgets",
                json: #"{"name": "Other", "slug": "lamp"}"#,
                token: writer
            )
            #expect(taken.status == .conflict)
            let missing = try await client.send(.patch, "/v1/gadgets/none", json: #"{"name": "X"}"#, token: writer)
            #expect(missing.status == .notFound)
            #expect(try await storage.integer("SELECT count(*) FROM gadgets") == 1)
            let anonymous = try await client.send(.post, "/v1/gadgets", json: Self.full)
            #expect(anonymous.status == .unauthorized)

            let deleted = try await client.send(.delete, "/v1/gadgets/lamp", token: writer)
            #expect(deleted.status == .noContent)
            #expect(try await client.get("/v1/gadgets/lamp").status == .notFound)
            #expect(try await storage.integer("SELECT count(*) FROM gadgets") == 0)
        }
    }

    @Test(arguments: AppEngine.available) func itIsExportedAndImportedFromItsDescription(engine: AppEngine)
        async throws
    {
        let clock = TestClock()
        let source = try await TestDatabase(on: engine)
        let storage = try await TestStorage(engine, location: source.location, clock: clock, kinds: Self.kinds)
        try await Self.createTable(storage)
        let store = storage.stores.described.store(for: GadgetInput.self)
        var reader = FieldReader(
            try JSONDecoder().decode(JSONObject.self, from: Data(Self.full.utf8)),
            writable: GadgetInput.fields
        )
        let lamp = try #require(GadgetInput.read(from: &reader, existing: false))
        _ = try await store.create(lamp, by: nil)
        _ = try await store.create(
            GadgetInput(slug: .given(Slug(parsing: "bare")!), name: "Bare", details: .init()),
            by: nil
        )

        _ = try await store.create(
            GadgetInput(slug: .given(Slug(parsing: "anvil")!), name: "anvil", details: .init()),
            by: nil
        )
        // Listed by name whatever its case, then by id, on both engines alike.
        let listed = try await store.list(PageRequest(number: 1, limit: 10))
        #expect(listed.items.map(\.slug) == ["anvil", "bare", "lamp"])
        #expect(listed.total == 3)

        let exported = try await storage.stores.portability.export()
        let entries = try #require(exported.described?["gadgets"])
        #expect(entries.map(\.slug) == ["lamp", "bare", "anvil"])
        let document = try JSONDecoder().decode(JSON.self, from: try exported.encoded())
        let section = document["described"]["gadgets"]
        #expect(section[0]["weight"] == .integer(250))
        #expect(section[0]["ships_at"] == .string("2026-03-01T09:30:00Z"))
        #expect(section[1].keys.sorted() == ["created_at", "name", "revision", "slug", "updated_at"])

        // A publication without the kind refuses the document whole, rather than drop a section.
        let other = try await TestDatabase(on: engine)
        let without = try await TestStorage(engine, location: other.location, clock: clock)
        await #expect(
            throws: ImportFailure(problems: ["/described/gadgets: not a kind this version of Masthead knows"])
        ) {
            try await without.stores.portability.importContent(try ContentExport.decode(try exported.encoded()))
        }
        #expect(try await without.integer("SELECT count(*) FROM authors") == 0)
        withExtendedLifetime(other) {}

        // Into an empty publication on the same engine: the same document comes back out.
        let target = try await TestDatabase(on: engine)
        let copy = try await TestStorage(engine, location: target.location, clock: clock, kinds: Self.kinds)
        try await Self.createTable(copy)
        let decoded = try ContentExport.decode(try exported.encoded())
        try ContentImport.check(decoded, now: clock.now, kinds: Self.kinds)
        try await copy.stores.portability.importContent(decoded)
        #expect(try await copy.stores.portability.export().encoded() == exported.encoded())
        // Its own events carry it as the API serves it (the tests' kind is filed as a tag).
        let payloads = WebhookPayloads(stores: storage.stores)
        let lampRead = try await store.find(slug: Slug(parsing: "lamp")!)
        let announced = try await payloads.described(ContentEvent(type: "tag.updated", resource: .tag, slug: "lamp"))
        let body: any JSONEncodable = try #require(announced as (any JSONEncodable)?)
        #expect(JSONResponse.bytes(of: body) == JSONResponse.bytes(of: DescribedResponse(lampRead)))
        let deleted = try await payloads.described(ContentEvent(type: "tag.deleted", resource: .tag, slug: "lamp"))
        #expect(deleted == nil)
        // A publication with gadgets holds content.
        await #expect(throws: ImportFailure.notEmpty) { try await copy.stores.portability.importContent(decoded) }
        withExtendedLifetime((source, target)) {}
    }

    /// The event types are the kinds that announce their writes, each created, updated and
    /// deleted, between the articles' and the catalog's.
    @Test func theEventTypesAreDerivedFromTheKinds() {
        #expect(
            WebhookEvents.types == [
                "article.published", "article.updated", "article.unpublished", "article.deleted",
                "author.created", "author.updated", "author.deleted",
                "tag.created", "tag.updated", "tag.deleted",
                "media.created", "media.updated", "media.deleted",
                "catalog.updated",
            ]
        )
        #expect(ContentEvent.write(of: .platform, slug: "p", kind: .created).type == "catalog.updated")
        #expect(ContentEvent.write(of: .author, slug: "a", kind: .deleted).type == "author.deleted")
    }

    @Test func anImportChecksEachEntryByTheKindsRulesAndRefusesKindsItDoesNotKnow() throws {
        let text = #"""
            {"format": "masthead-content", "version": 1, "authors": [], "tags": [], "articles": [],
             "platforms": [], "services": [],
             "described": {"gadgets": [
               {"slug": "lamp", "name": "Lamp", "weight": 9999, "revision": 1,
                "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"},
               {"slug": "lamp", "name": "Lamp", "revision": 0,
                "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"}]}}
            """#
        let document = try ContentExport.decode(Data(text.utf8))
        let expected = [
            "/described/gadgets/0/weight: weight must be from 1 to 500",
            "/described/gadgets/1/slug: 'lamp' appears twice",
            "/described/gadgets/1/revision: must be from 1 to 2147483647",
        ]
        #expect(throws: ImportFailure(problems: expected)) {
            try ContentImport.check(document, now: Timestamp(secondsSinceEpoch: 0), kinds: Self.kinds)
        }
        #expect(throws: ImportFailure(problems: ["/described/gadgets: not a kind this version of Masthead knows"])) {
            try ContentImport.check(document, now: Timestamp(secondsSinceEpoch: 0), kinds: [])
        }
        #expect(document.describedProblems(kinds: Self.kinds) == expected)
    }
}
