import Logging
import MastheadDomain
import MastheadStorage
import PostgresNIO

/// The store of a described kind (`DescribedInput`) on PostgreSQL, as `SQLiteDescribedStore`
/// is on SQLite.
package struct PostgresDescribedStore<Input: DescribedInput>: PostgresSluggedStore, PagedResourceStore {
    package typealias Resource = DescribedResource<Input>

    package let engine: PostgresEngine
    package let clock: ContentClock

    package init(engine: PostgresEngine, clock: ContentClock) {
        self.engine = engine
        self.clock = clock
    }

    package static var stored: SluggedKind<Input, Resource> { Input.stored }

    package func list(_ page: PageRequest) async throws -> Page<Resource> {
        let logger = logger
        return try await engine.client.withConnection { connection in
            let total =
                try await connection.query(
                    "SELECT count(*) AS total FROM \(unescaped: Self.table)",
                    logger: logger
                ).first { try $0["total"] as Int64 } ?? 0
            let order = (Input.listOrder.map(Self.orderTerm) + ["id"]).joined(separator: ", ")
            let rows = try await connection.query(
                """
                SELECT \(unescaped: Self.stored.selectList(Self.table)) FROM \(unescaped: Self.table)
                ORDER BY \(unescaped: order) LIMIT \(page.limit) OFFSET \(page.offset)
                """,
                logger: logger
            )
            return Page(items: try await rows.map { try Self.stored.read($0) }, total: Int(total))
        }
    }

    /// Ascending with NULLs first, as SQLite orders them.
    private static func orderTerm(_ key: ListKey) -> String {
        switch key {
        case .text(let column): "masthead_nocase(\(column)) NULLS FIRST"
        case .asStored(let column): "\(column) NULLS FIRST"
        }
    }

    package static func fetch(_ key: RowKey, now: Timestamp, _ connection: PGConnection, _ logger: Logger) async throws
        -> Resource?
    {
        let select = "SELECT \(stored.selectList(table)) FROM \(table)"
        let rows =
            switch key {
            case .id(let id): try await connection.query("\(unescaped: select) WHERE id = \(id)", logger: logger)
            case .slug(let slug):
                try await connection.query("\(unescaped: select) WHERE slug = \(slug)", logger: logger)
            }
        return try await rows.first { try stored.read($0) }
    }
}

/// Each described kind's store on one engine.
package struct PostgresDescribedStores: DescribedStores {
    package let engine: PostgresEngine
    package let clock: ContentClock

    package func store<Input: DescribedInput>(for: Input.Type) -> any PagedResourceStore<
        DescribedResource<Input>, Input
    > {
        PostgresDescribedStore<Input>(engine: engine, clock: clock)
    }
}
