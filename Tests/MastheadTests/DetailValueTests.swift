import Foundation
import GRDB
import MastheadSQLite
import MastheadStorage
import MastheadTestSupport
import PostgresNIO
import Testing

@testable import MastheadDomain
@testable import MastheadPostgres

/// A detail holds text, a URL, a flag, a number or a time (`DetailRule`). The shipped kinds'
/// details are text and URLs so far, so the other values are followed here on a kind of the
/// tests' own, through everything a detail goes through below the API: a request's rules,
/// the documents it is written into, and each engine's columns.
@Suite struct DetailValueTests {
    struct GadgetDetails: Details {
        var note: String?
        var link: String?
        var boxed: Bool?
        var weight: Int?
        var shipsAt: Timestamp?

        static let fields: [DetailField<GadgetDetails>] = [
            .text("note", maxLength: 20, \.note),
            .url("link", \.link),
            .flag("boxed", \.boxed),
            .number("weight", in: 1...500, \.weight),
            .time("ships_at", \.shipsAt),
        ]
    }

    struct GadgetInput: SluggedInput, Equatable {
        var slug: SlugChoice
        var name: String
        var details: GadgetDetails
    }

    static let shipsAt = Timestamp(secondsSinceEpoch: 1_772_357_400)  // 2026-03-01T09:30:00Z

    static let everything = GadgetDetails(
        note: "Fragile",
        link: "https://example.com/gadget",
        boxed: false,
        weight: 250,
        shipsAt: shipsAt
    )

    /// A description over a table of the tests' own (`createTable`).
    static let gadgets = SluggedKind<GadgetInput, GadgetInput>(
        kind: .tag,
        table: "gadgets",
        columns: [.text("name") { $0.name }],
        details: { $0.details },
        input: { row in
            GadgetInput(slug: .keep, name: try row.text("name"), details: try GadgetDetails(reading: row.detail))
        },
        resource: { _, input, _ in input }
    )

    @Test func aRequestsValuesFollowTheirRules() throws {
        let given: JSONObject = [
            "note": .string("Fragile"), "link": .string("https://example.com/gadget"), "boxed": .bool(false),
            "weight": .integer(250), "ships_at": .string("2026-03-01T10:30:00+01:00"),
        ]
        var reader = FieldReader(given, writable: Set(GadgetDetails.names))
        #expect(GadgetDetails.read(from: &reader) == Self.everything)
        try reader.finish()
        // What a request gave, written back as a request spells it, reads the same.
        #expect(Self.everything.document["ships_at"] == .string("2026-03-01T09:30:00Z"))
        var again = FieldReader(Self.everything.document, writable: Set(GadgetDetails.names))
        #expect(GadgetDetails.read(from: &again) == Self.everything)

        let wrong: JSONObject = [
            "note": .string(String(repeating: "n", count: 21)), "link": .string("ftp://example.com"),
            "boxed": .string("yes"), "weight": .integer(501), "ships_at": .string("2026-03-01"),
        ]
        var refused = FieldReader(wrong, writable: Set(GadgetDetails.names))
        #expect(GadgetDetails.read(from: &refused) == GadgetDetails())
        let problems = Dictionary(uniqueKeysWithValues: refused.errors.map { ($0.pointer, $0.code) })
        #expect(
            problems == [
                "/note": "too_long", "/link": "invalid_url", "/boxed": "invalid_type", "/weight": "out_of_range",
                "/ships_at": "invalid_date",
            ]
        )
    }

    @Test(arguments: [DetailKeys.asNamed, .forSnakeCaseConversion])
    func theDocumentsTheyAreWrittenIntoReadBackTheSame(keys: DetailKeys) throws {
        struct Holder: Codable, Equatable {
            var details: GadgetDetails
            let keys: DetailKeys
            init(_ details: GadgetDetails, keys: DetailKeys) {
                self.details = details
                self.keys = keys
            }
            init(from decoder: any Decoder) throws {
                keys = decoder.userInfo[.detailKeys] as! DetailKeys
                details = try GadgetDetails(from: decoder, keys: keys)
            }
            func encode(to encoder: any Encoder) throws { try details.encode(to: encoder, keys: keys) }
            static func == (left: Holder, right: Holder) -> Bool { left.details == right.details }
        }
        let encoder = JSONEncoder()
        let decoder = JSONDecoder()
        decoder.userInfo[.detailKeys] = keys
        if keys == .forSnakeCaseConversion {
            encoder.keyEncodingStrategy = .convertToSnakeCase
            decoder.keyDecodingStrategy = .convertFromSnakeCase
        }
        for details in [Self.everything, GadgetDetails()] {
            let encoded = try encoder.encode(Holder(details, keys: keys))
            #expect(try decoder.decode(Holder.self, from: encoded).details == details)
            // Each under its own name, a flag as a boolean, a number as a number, a time as
            // RFC 3339 text; what is not given is left out.
            let document = try JSONDecoder().decode(JSONValue.self, from: encoded)
            #expect(document == .object(details.document))
        }
    }

    @Test(arguments: AppEngine.available) func eachEngineStoresEachValueInAColumnOfItsType(engine: AppEngine)
        async throws
    {
        let database = try await TestDatabase(on: engine)
        defer { withExtendedLifetime(database) {} }  // its database goes with it
        let storage = try await TestStorage(engine, location: database.location, clock: TestClock())
        try await DescribedKindTests.createTable(storage)
        let full = GadgetInput(slug: .keep, name: "Full", details: Self.everything)
        let empty = GadgetInput(slug: .keep, name: "Empty", details: GadgetDetails())
        let changed: GadgetInput = {
            var changed = full
            changed.details.boxed = true
            changed.details.weight = 1
            changed.details.note = nil
            return changed
        }()

        let now = Timestamp(secondsSinceEpoch: 1_700_000_000)
        let kind = Self.gadgets
        let stored: [GadgetInput]
        if let sqlite = storage.sqlite {
            stored = try await sqlite.writer.write { db in
                let id = try kind.insert(full, slug: "full", createdAt: now, updatedAt: now, db)
                _ = try kind.insert(empty, slug: "empty", createdAt: now, updatedAt: now, db)
                let before = try kind.exported(db).map(\.1)
                try kind.update(id: id, with: changed, slug: "full", revision: 2, updatedAt: now, db)
                return before + (try kind.exported(db).map(\.1))
            }
        } else {
            let postgres = try #require(storage.postgres)
            let logger = PostgresTestServer.logger
            stored = try await postgres.engine.client.withConnection { connection in
                let id = try await kind.insert(full, slug: "full", createdAt: now, updatedAt: now, connection, logger)
                _ = try await kind.insert(empty, slug: "empty", createdAt: now, updatedAt: now, connection, logger)
                let before = try await kind.exported(connection, logger).map(\.1)
                try await kind.update(
                    id: id,
                    with: changed,
                    slug: "full",
                    revision: 2,
                    updatedAt: now,
                    connection,
                    logger
                )
                return before + (try await kind.exported(connection, logger).map(\.1))
            }
        }
        #expect(stored == [full, empty, changed, empty])
        // Typed columns, as SQL sees them (the same statement on both engines).
        #expect(
            try await storage.integer(
                """
                SELECT count(*) FROM gadgets WHERE boxed AND weight = 1 AND note IS NULL
                AND ships_at = '2026-03-01T09:30:00Z' AND link = 'https://example.com/gadget'
                """
            ) == 1
        )
        #expect(try await storage.integer("SELECT count(*) FROM gadgets WHERE boxed IS NULL AND weight IS NULL") == 1)
    }
}

extension CodingUserInfoKey {
    fileprivate static let detailKeys = CodingUserInfoKey(rawValue: "detailKeys")!
}
