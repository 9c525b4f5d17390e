import Foundation
import GRDB

extension AppDatabase {
    /// Rebuilds `table` so that its `id` column is `INTEGER PRIMARY KEY AUTOINCREMENT`: an id,
    /// once given, is never given again, even after its row and every row above it are gone.
    /// The rows, indexes and triggers stay as they were; the sequence starts at the largest
    /// id the table holds.
    ///
    /// Runs inside a migration, where GRDB has turned foreign keys off. The old table is
    /// renamed away with `legacy_alter_table` on, so that nothing else in the schema is
    /// rewritten to follow it: the other tables' foreign keys, the views and the triggers on
    /// other tables go on naming `table`, which the new table is then made as.
    package static func rebuildWithAutoincrement(_ table: String, in db: Database) throws {
        // With foreign keys on, the rename would point the other tables' keys at the old
        // table, and dropping it would cascade: article links, bodies, previews, deliveries.
        guard try Bool.fetchOne(db, sql: "PRAGMA foreign_keys") == false else {
            throw AutoincrementRebuildFailure(table: table, reason: "foreign keys must be off while it runs")
        }
        guard
            let create = try String.fetchOne(
                db,
                sql: "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?",
                arguments: [table]
            )
        else { throw AutoincrementRebuildFailure(table: table, reason: "there is no such table") }
        let idColumn = try Regex(#"(?m)^(\s*id\s+INTEGER\s+PRIMARY\s+KEY)(?=\s*,)"#)
        let matches = create.matches(of: idColumn)
        guard matches.count == 1, let match = matches.first else {
            throw AutoincrementRebuildFailure(table: table, reason: "no single `id INTEGER PRIMARY KEY` column")
        }
        var rebuilt = create
        rebuilt.replaceSubrange(match.range, with: create[match.range] + " AUTOINCREMENT")
        // Its indexes and triggers, as they were made (an index a constraint made has no SQL:
        // the new table's constraints make it again).
        let dependents = try String.fetchAll(
            db,
            sql: """
                SELECT sql FROM sqlite_schema
                WHERE tbl_name = ? AND type IN ('index', 'trigger') AND sql IS NOT NULL
                ORDER BY rowid
                """,
            arguments: [table]
        )
        let old = "\(table)_before_autoincrement"
        try db.execute(sql: "PRAGMA legacy_alter_table = ON")
        do {
            defer { try? db.execute(sql: "PRAGMA legacy_alter_table = OFF") }
            try db.execute(sql: "ALTER TABLE \(table) RENAME TO \(old)")
        }
        try db.execute(sql: rebuilt)
        try db.execute(sql: "INSERT INTO \(table) SELECT * FROM \(old)")
        try db.execute(sql: "DROP TABLE \(old)")
        for statement in dependents { try db.execute(sql: statement) }
    }
}

/// A table that migration 0019 could not rebuild; the migration is rolled back.
package struct AutoincrementRebuildFailure: Error, CustomStringConvertible {
    package let table: String
    package let reason: String
    package var description: String { "cannot rebuild \(table) with AUTOINCREMENT: \(reason)" }
}
