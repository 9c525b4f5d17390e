import Foundation
import GRDB
import MastheadDomain
import MastheadStorage

/// Media assets and their bytes in SQLite (migration 0020).
public struct SQLiteMediaStore: MediaStore {
    package let database: AppDatabase
    package let clock: ContentClock

    public init(database: AppDatabase, clock: ContentClock) {
        self.database = database
        self.clock = clock
    }

    public func add(_ upload: MediaUpload) async throws -> (asset: MediaAsset, created: Bool) {
        if let existing = try await existing(upload.hash) { return (existing, false) }
        let now = clock.now
        return try await database.write { db in
            // Writes run one at a time: nobody can add the same bytes between this look and the insert.
            if let existing = try Self.asset(db, "hash = \(upload.hash)") { return (existing, false) }
            let id = try Self.insert(upload, now: now, db)
            try SQLiteOutbox.record([MediaRows.event(id, .created)], now: now, db)
            return (try Self.asset(db, "id = \(id)")!, true)
        }
    }

    public func load(_ pictures: [(upload: MediaUpload, shows: MediaReference.Field, of: String)]) async throws {
        let now = clock.now
        try await database.write { db in
            for picture in pictures {
                let id =
                    try Self.asset(db, "hash = \(picture.upload.hash)")?.id ?? Self.insert(picture.upload, now: now, db)
                try db.execute(
                    sql: "UPDATE \(picture.shows.table) SET \(picture.shows.column) = ? WHERE slug = ?",
                    arguments: [id, picture.of]
                )
            }
        }
    }

    /// The upload's row, then its bytes a part at a time; its id.
    private static func insert(_ upload: MediaUpload, now: Timestamp, _ db: Database) throws -> Int64 {
        let details = upload.details
        try db.execute(
            literal: """
                INSERT INTO media (hash, filename, media_type, byte_size, width, height, placeholder, alt, caption,
                    credit, focal_x, focal_y, uploaded_by, created_at, updated_at)
                VALUES (\(upload.hash), \(details.filename), \(upload.mediaType), \(upload.byteSize), \(upload.width),
                    \(upload.height), \(upload.placeholder), \(details.alt), \(details.caption), \(details.credit),
                    \(details.focalPoint.x), \(details.focalPoint.y), \(upload.uploadedBy), \(now), \(now))
                """
        )
        let id = db.lastInsertedRowID
        let parts = try MediaParts(path: upload.path)
        var index = 0
        while let part = try parts.next() {
            try db.execute(
                literal: "INSERT INTO media_parts (media_id, part, bytes) VALUES (\(id), \(index), \(Data(part)))"
            )
            index += 1
        }
        return id
    }

    private func existing(_ hash: String) async throws -> MediaAsset? {
        try await database.reader.read { db in try Self.asset(db, "hash = \(hash)") }
    }

    public func find(id: Int64) async throws -> MediaAsset {
        guard let asset = try await database.reader.read({ db in try Self.asset(db, "id = \(id)") }) else {
            throw MediaRows.notFound(id)
        }
        return asset
    }

    public func find(hash: String) async throws -> MediaAsset {
        guard let asset = try await existing(hash) else { throw StoreError.notFound(resource: .media, slug: hash) }
        return asset
    }

    public func find(ids: Set<Int64>) async throws -> [MediaAsset] {
        guard !ids.isEmpty else { return [] }
        return try await database.reader.read { db in
            try Row.fetchAll(db, SQLRequest<Row>(literal: "SELECT * FROM media WHERE id IN \(Array(ids))"))
                .map(Self.asset(from:))
        }
    }

    public func list(_ query: MediaQuery, page: PageRequest) async throws -> Page<MediaAsset> {
        var conditions: [SQL] = []
        if let type = query.typePattern { conditions.append("media_type LIKE \(type) ESCAPE '\\'") }
        if let text = query.textPattern {
            conditions.append(
                "(filename LIKE \(text) ESCAPE '\\' OR alt LIKE \(text) ESCAPE '\\' OR caption LIKE \(text) ESCAPE '\\')"
            )
        }
        let condition: SQL = conditions.isEmpty ? "1" : conditions.joined(separator: " AND ")
        return try await database.reader.read { db in
            let total = try Int.fetchOne(db, SQLRequest<Int>(literal: "SELECT count(*) FROM media WHERE \(condition)"))!
            let rows = try Row.fetchAll(
                db,
                SQLRequest<Row>(
                    literal: """
                        SELECT * FROM media WHERE \(condition) ORDER BY id DESC LIMIT \(page.limit) OFFSET \(page.offset)
                        """
                )
            )
            return Page(items: try rows.map(Self.asset(from:)), total: total)
        }
    }

    public func update(id: Int64, with details: MediaDetails) async throws -> MediaAsset {
        let now = clock.now
        return try await database.write { db in
            try db.execute(
                literal: """
                    UPDATE media SET filename = \(details.filename), alt = \(details.alt), caption = \(details.caption),
                        credit = \(details.credit), focal_x = \(details.focalPoint.x), focal_y = \(details.focalPoint.y),
                        updated_at = \(now)
                    WHERE id = \(id)
                    """
            )
            guard let asset = try Self.asset(db, "id = \(id)") else { throw MediaRows.notFound(id) }
            try SQLiteOutbox.record([MediaRows.event(id, .updated)], now: now, db)
            return asset
        }
    }

    public func delete(id: Int64) async throws {
        let now = clock.now
        try await database.write { db in
            var uses: [String] = []
            for reference in MediaReference.fields {
                let slugs = try String.fetchAll(
                    db,
                    sql: "SELECT slug FROM \(reference.table) WHERE \(reference.column) = ? ORDER BY slug LIMIT ?",
                    arguments: [id, MediaRows.usesNamed]
                )
                uses += slugs.map { "\(reference.kind) '\($0)'" }
            }
            guard uses.isEmpty else { throw MediaRows.inUse(Array(uses.prefix(MediaRows.usesNamed))) }
            try db.execute(literal: "DELETE FROM media WHERE id = \(id)")
            guard db.changesCount == 1 else { throw MediaRows.notFound(id) }
            try SQLiteOutbox.record([MediaRows.event(id, .deleted)], now: now, db)
        }
    }

    public func part(_ part: Int, of id: Int64) async throws -> [UInt8]? {
        try await database.reader.read { db in
            try Data.fetchOne(
                db,
                SQLRequest<Data>(literal: "SELECT bytes FROM media_parts WHERE media_id = \(id) AND part = \(part)")
            ).map { Array($0) }
        }
    }

    private static func asset(_ db: Database, _ condition: SQL) throws -> MediaAsset? {
        try Row.fetchOne(db, SQLRequest<Row>(literal: "SELECT * FROM media WHERE \(condition)")).map(asset(from:))
    }

    private static func asset(from row: Row) throws -> MediaAsset {
        MediaAsset(
            id: row["id"],
            hash: row["hash"],
            mediaType: row["media_type"],
            byteSize: row["byte_size"],
            width: row["width"],
            height: row["height"],
            placeholder: row["placeholder"],
            details: MediaDetails(
                filename: row["filename"],
                alt: row["alt"],
                caption: row["caption"],
                credit: row["credit"],
                focalPoint: FocalPoint(x: row["focal_x"], y: row["focal_y"]) ?? .centre
            ),
            uploadedBy: row["uploaded_by"],
            createdAt: try row.decode(forColumn: "created_at"),
            updatedAt: try row.decode(forColumn: "updated_at")
        )
    }
}
