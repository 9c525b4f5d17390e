import GRDB
import MastheadDomain
import MastheadStorage

/// The store of a described kind (`DescribedInput`) on SQLite: the slugged writes, and reads
/// of its table alone, ordered as its description says.
package struct SQLiteDescribedStore<Input: DescribedInput>: SQLiteSluggedStore, PagedResourceStore {
    package typealias Resource = DescribedResource<Input>

    package let database: AppDatabase
    package let clock: ContentClock

    package init(database: AppDatabase, clock: ContentClock) {
        self.database = database
        self.clock = clock
    }

    package static var stored: SluggedKind<Input, Resource> { Input.stored }

    package func list(_ page: PageRequest) async throws -> Page<Resource> {
        try await database.reader.read { db in
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(Self.table)") ?? 0
            let order = (Input.listOrder.map(Self.orderTerm) + ["id"]).joined(separator: ", ")
            let rows = try Row.fetchAll(
                db.cachedStatement(sql: "SELECT * FROM \(Self.table) ORDER BY \(order) LIMIT ? OFFSET ?"),
                arguments: [page.limit, page.offset]
            )
            return Page(items: try rows.map { try Self.stored.read($0) }, total: total)
        }
    }

    private static func orderTerm(_ key: ListKey) -> String {
        switch key {
        case .text(let column): "\(column) COLLATE NOCASE"
        case .asStored(let column): column
        }
    }

    package static func fetch(_ key: RowKey, now: Timestamp, _ db: Database) throws -> Resource? {
        let row =
            switch key {
            case .id(let id):
                try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM \(table) WHERE id = ?"), arguments: [id])
            case .slug(let slug):
                try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM \(table) WHERE slug = ?"), arguments: [slug])
            }
        return try row.map { try stored.read($0) }
    }
}

/// Each described kind's store over one database.
package struct SQLiteDescribedStores: DescribedStores {
    package let database: AppDatabase
    package let clock: ContentClock

    package func store<Input: DescribedInput>(for: Input.Type) -> any PagedResourceStore<
        DescribedResource<Input>, Input
    > {
        SQLiteDescribedStore<Input>(database: database, clock: clock)
    }
}
