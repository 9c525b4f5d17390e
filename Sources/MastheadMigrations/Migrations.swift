/// The database migrations of both engines, compiled into the binary from the `.sql` files
/// in `Migrations/` (SQLite) and `Migrations/PostgreSQL/` by the EmbedMigrations build
/// plugin.
///
/// Each file is named `NNNN_verb_noun.sql`, numbered per engine, and is never edited once it
/// has landed: a change to the schema is a new file in each engine's folder, and that is all
/// it takes; the files run in name order.
public enum MastheadMigrations {
    /// One migration: its identifier (the file name without `.sql`), its SQL, and the tables
    /// it rebuilds with `AUTOINCREMENT` after the SQL has run (what SQL alone cannot do: see
    /// 0019).
    public struct Migration: Sendable {
        public let identifier: String
        public let sql: String
        public let rebuildsWithAutoincrement: [String]

        public init(_ identifier: String, sql: String, rebuildingWithAutoincrement tables: [String] = []) {
            self.identifier = identifier
            self.sql = sql
            self.rebuildsWithAutoincrement = tables
        }
    }

    /// SQLite's migrations, in the order they must run.
    public static let all: [Migration] = sqliteFiles.map { file in
        Migration(
            file.identifier,
            sql: file.sql,
            rebuildingWithAutoincrement: rebuiltWithAutoincrement[file.identifier] ?? []
        )
    }

    /// PostgreSQL's migrations, in the order they must run.
    public static let postgreSQL: [Migration] = postgresFiles.map { Migration($0.identifier, sql: $0.sql) }

    /// The SQLite migrations that also rebuild tables, and which.
    private static let rebuiltWithAutoincrement: [String: [String]] = [
        "0019_never_reuse_row_ids": [
            "articles", "authors", "tags", "platforms", "services", "api_tokens", "preview_links", "webhooks",
            "webhook_events", "webhook_deliveries",
        ]
    ]
}
