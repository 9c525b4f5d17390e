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
