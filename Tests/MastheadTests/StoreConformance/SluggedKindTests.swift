import Foundation
import MastheadStorage
import MastheadTestSupport
import Testing

@testable import MastheadDomain

/// The descriptions of the slugged kinds (`SluggedKinds`) are what both engines' stores
/// write: each names every column its table has on each engine, besides the ones every such
/// table has, so that a column a migration adds cannot be left unwritten by one engine.
/// (Columns the database computes itself, as PostgreSQL's search documents, are not written.)
@Suite struct SluggedKindTests {
    static let everyTableHas: Set<String> = ["id", "slug", "revision", "created_at", "updated_at"]

    @Test(arguments: AppEngine.available)
    func eachDescriptionNamesEveryColumnOfItsTable(engine: AppEngine) async throws {
        try await withApp(on: engine) { _, storage in
            let described: [(String, [String])] = [
                (SluggedKinds.authors.table, SluggedKinds.authors.columns.map(\.name)),
                (SluggedKinds.tags.table, SluggedKinds.tags.columns.map(\.name)),
                (SluggedKinds.platforms.table, SluggedKinds.platforms.columns.map(\.name)),
                (SluggedKinds.services.table, SluggedKinds.services.columns.map(\.name)),
            ]
            for (table, columns) in described {
                let stored = try await storage.text(
                    engine == .sqlite
                        ? "SELECT group_concat(name, ',') FROM pragma_table_info('\(table)')"
                        : """
                        SELECT string_agg(column_name::text, ',') FROM information_schema.columns
                        WHERE table_schema = current_schema() AND table_name = '\(table)' AND is_generated = 'NEVER'
                        """
                )
                let all = Set(try #require(stored, "\(table) has columns").split(separator: ",").map(String.init))
                #expect(Set(columns) == all.subtracting(Self.everyTableHas), "\(table)")
                #expect(Self.everyTableHas.isSubset(of: all), "\(table)")
            }
        }
    }
}

/// The importer checks a slugged kind's entry as the API's write body by its own JSON
/// (`ContentImport`): every key an entry encodes, but its revision and times, must be a
/// field the API's body takes, or every import would be refused for an unknown field.
@Suite struct SluggedExportTests {
    static func keys(_ entry: some Encodable) throws -> Set<String> {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let object = try JSONSerialization.jsonObject(with: try encoder.encode(entry)) as? [String: Any]
        return Set(try #require(object).keys).subtracting(["revision", "created_at", "updated_at"])
    }

    /// Details with every one given (an entry leaves out those that are not).
    static func everyDetailGiven<Owner: Details>() -> Owner {
        var details = Owner()
        for field in Owner.fields { details[field] = DetailsTests.value(of: field) }
        return details
    }

    @Test func everyKeyOfAnEntryIsAFieldOfTheAPIsBody() throws {
        let now = Timestamp(secondsSinceEpoch: 1_800_000_000)
        let author = AuthorExport(
            slug: "a",
            name: "A",
            details: Self.everyDetailGiven(),
            revision: 1,
            createdAt: now,
            updatedAt: now
        )
        #expect(try Self.keys(author) == AuthorInput.fields)
        let tag = TagExport(
            slug: "t",
            name: "T",
            details: Self.everyDetailGiven(),
            revision: 1,
            createdAt: now,
            updatedAt: now
        )
        #expect(try Self.keys(tag) == TagInput.fields)
        let platform = PlatformExport(
            slug: "p",
            name: "P",
            focus: "F",
            tagline: "T",
            description: "D",
            details: Self.everyDetailGiven(),
            position: 1,
            services: ["s"],
            revision: 1,
            createdAt: now,
            updatedAt: now
        )
        #expect(try Self.keys(platform) == PlatformInput.fields)
        let service = ServiceExport(
            slug: "s",
            title: "S",
            subtitle: "U",
            description: "D",
            position: 1,
            revision: 1,
            createdAt: now,
            updatedAt: now
        )
        // A service's platforms are written from the platforms' side in an export.
        #expect(try Self.keys(service) == ServiceInput.fields.subtracting(["platforms"]))
    }
}
