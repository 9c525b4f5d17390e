import Foundation
import Logging
import MastheadDomain
import MastheadStorage
import PostgresNIO

/// Media assets and their bytes on PostgreSQL (migration 0012), as `SQLiteMediaStore` keeps
/// them on SQLite; every instance serves every asset.
package struct PostgresMediaStore: MediaStore {
    package let engine: PostgresEngine
    package let clock: ContentClock

    package var logger: Logger { engine.logger }

    package func add(_ upload: MediaUpload) async throws -> (asset: MediaAsset, created: Bool) {
        if let existing = try await existing(upload.hash) { return (existing, false) }
        let now = clock.now
        let logger = logger
        return try await engine.write(announcing: nil) { connection in
            guard let id = try await Self.insert(upload, now: now, connection, logger) else {
                // Another instance's upload of the same bytes, unless deleted since.
                guard let existing = try await Self.asset("hash = \(upload.hash)", connection, logger) else {
                    throw MediaRows.changedMeanwhile
                }
                return (existing, false)
            }
            try await PostgresOutbox.record([MediaRows.event(id, .created)], now: now, connection, logger)
            guard let asset = try await Self.asset("id = \(id)", connection, logger) else {
                throw MediaRows.changedMeanwhile
            }
            return (asset, true)
        }
    }

    package func load(_ pictures: [(upload: MediaUpload, shows: MediaReference.Field, of: String)]) async throws {
        let now = clock.now
        let logger = logger
        _ = try await engine.write(announcing: .content) { connection in
            for picture in pictures {
                let id: Int64
                if let inserted = try await Self.insert(picture.upload, now: now, connection, logger) {
                    id = inserted
                } else {
                    guard let existing = try await Self.asset("hash = \(picture.upload.hash)", connection, logger)
                    else {
                        throw MediaRows.changedMeanwhile
                    }
                    id = existing.id
                }
                try await connection.run(
                    """
                    UPDATE \(unescaped: picture.shows.table) SET \(unescaped: picture.shows.column) = \(id)
                    WHERE slug = \(picture.of)
                    """,
                    logger
                )
            }
        }
    }

    /// The upload's row, then its bytes a part at a time; its id, or nil when an asset has
    /// those bytes already. Two instances adding the same bytes at once: the second waits
    /// on the first's row and then inserts nothing.
    private static func insert(_ upload: MediaUpload, now: Timestamp, _ connection: PGConnection, _ logger: Logger)
        async throws -> Int64?
    {
        let details = upload.details
        let inserted = try await connection.run(
            """
            INSERT INTO media (hash, filename, media_type, byte_size, width, height, placeholder, alt, caption,
                credit, focal_x, focal_y, uploaded_by, created_at, updated_at)
            VALUES (\(upload.hash), \(details.filename), \(upload.mediaType), \(upload.byteSize), \(upload.width),
                \(upload.height), \(upload.placeholder), \(details.alt), \(details.caption), \(details.credit),
                \(details.focalPoint.x), \(details.focalPoint.y), \(upload.uploadedBy), \(now), \(now))
            ON CONFLICT (hash) DO NOTHING
            RETURNING id
            """,
            logger
        ).first { try $0["id"] as Int64 }
        guard let id = inserted else { return nil }
        let parts = try MediaParts(path: upload.path)
        var index = 0
        while let part = try parts.next() {
            try await connection.run(
                "INSERT INTO media_parts (media_id, part, bytes) VALUES (\(id), \(index), \(ByteBuffer(bytes: part)))",
                logger
            )
            index += 1
        }
        return id
    }

    private func existing(_ hash: String) async throws -> MediaAsset? {
        let logger = logger
        return try await engine.client.withConnection { connection in
            try await Self.asset("hash = \(hash)", connection, logger)
        }
    }

    package func find(id: Int64) async throws -> MediaAsset {
        let logger = logger
        let asset = try await engine.client.withConnection { connection in
            try await Self.asset("id = \(id)", connection, logger)
        }
        guard let asset else { throw MediaRows.notFound(id) }
        return asset
    }

    package func find(hash: String) async throws -> MediaAsset {
        guard let asset = try await existing(hash) else { throw StoreError.notFound(resource: .media, slug: hash) }
        return asset
    }

    package func find(ids: Set<Int64>) async throws -> [MediaAsset] {
        guard !ids.isEmpty else { return [] }
        let logger = logger
        return try await engine.client.withConnection { connection in
            var assets: [MediaAsset] = []
            for try await row in try await connection.run("SELECT * FROM media WHERE id = ANY(\(Array(ids)))", logger) {
                assets.append(try Self.asset(from: PGRow(row)))
            }
            return assets
        }
    }

    package func list(_ query: MediaQuery, page: PageRequest) async throws -> Page<MediaAsset> {
        var conditions: [SQLFragment] = []
        if let type = query.typePattern { conditions.append("media_type LIKE \(type)") }
        if let text = query.textPattern {
            conditions.append("(filename ILIKE \(text) OR alt ILIKE \(text) OR caption ILIKE \(text))")
        }
        let condition = conditions.isEmpty ? "TRUE" : conditions.joined(separator: " AND ")
        let logger = logger
        return try await engine.client.withConnection { connection in
            let total =
                try await connection.run("SELECT count(*) AS total FROM media WHERE \(condition)", logger)
                .first { try $0["total"] as Int } ?? 0
            let rows = try await connection.run(
                "SELECT * FROM media WHERE \(condition) ORDER BY id DESC LIMIT \(page.limit) OFFSET \(page.offset)",
                logger
            )
            var items: [MediaAsset] = []
            for try await row in rows { items.append(try Self.asset(from: PGRow(row))) }
            return Page(items: items, total: total)
        }
    }

    package func update(id: Int64, with details: MediaDetails) async throws -> MediaAsset {
        let now = clock.now
        let logger = logger
        let asset = try await engine.write(announcing: .content) { connection in
            try await connection.run(
                """
                UPDATE media SET filename = \(details.filename), alt = \(details.alt), caption = \(details.caption),
                    credit = \(details.credit), focal_x = \(details.focalPoint.x), focal_y = \(details.focalPoint.y),
                    updated_at = \(now)
                WHERE id = \(id)
                """,
                logger
            )
            let asset = try await Self.asset("id = \(id)", connection, logger)
            if asset != nil {
                try await PostgresOutbox.record([MediaRows.event(id, .updated)], now: now, connection, logger)
            }
            return asset
        }
        guard let asset else { throw MediaRows.notFound(id) }
        return asset
    }

    package func delete(id: Int64) async throws {
        let now = clock.now
        let logger = logger
        let deleted = try await engine.write(announcing: .content) { connection in
            // Held to the end: a deletion of the same asset from another instance waits. An
            // article written meanwhile (on either engine, its check and write being apart) may
            // still name it; its image then reads as null, and later edits are not blocked.
            try await connection.run("SELECT id FROM media WHERE id = \(id) FOR UPDATE", logger)
            var uses: [String] = []
            for reference in MediaReference.fields {
                let rows = try await connection.run(
                    """
                    SELECT slug FROM \(unescaped: reference.table) WHERE \(unescaped: reference.column) = \(id)
                    ORDER BY slug LIMIT \(MediaRows.usesNamed)
                    """,
                    logger
                )
                for try await row in rows { uses.append("\(reference.kind) '\(try PGRow(row)["slug"] as String)'") }
            }
            guard uses.isEmpty else { throw MediaRows.inUse(Array(uses.prefix(MediaRows.usesNamed))) }
            let deleted = try await connection.run("DELETE FROM media WHERE id = \(id) RETURNING id", logger).first {
                try $0["id"] as Int64
            }
            if deleted != nil {
                try await PostgresOutbox.record([MediaRows.event(id, .deleted)], now: now, connection, logger)
            }
            return deleted
        }
        guard deleted != nil else { throw MediaRows.notFound(id) }
    }

    package func part(_ part: Int, of id: Int64) async throws -> [UInt8]? {
        let logger = logger
        return try await engine.client.withConnection { connection in
            try await connection.run(
                "SELECT bytes FROM media_parts WHERE media_id = \(id) AND part = \(part)",
                logger
            ).first { Array((try $0["bytes"] as ByteBuffer).readableBytesView) }
        }
    }

    private static func asset(_ condition: SQLFragment, _ connection: PGConnection, _ logger: Logger) async throws
        -> MediaAsset?
    {
        try await connection.run("SELECT * FROM media WHERE \(condition)", logger).first { try asset(from: $0) }
    }

    private static func asset(from row: PGRow) throws -> MediaAsset {
        MediaAsset(
            id: try row["id"],
            hash: try row["hash"],
            mediaType: try row["media_type"],
            byteSize: try row["byte_size"],
            width: try row["width"],
            height: try row["height"],
            placeholder: try row["placeholder"],
            details: MediaDetails(
                filename: try row["filename"],
                alt: try row["alt"],
                caption: try row["caption"],
                credit: try row["credit"],
                focalPoint: FocalPoint(x: try row["focal_x"], y: try row["focal_y"]) ?? .centre
            ),
            uploadedBy: try row["uploaded_by"],
            createdAt: try row.time("created_at"),
            updatedAt: try row.time("updated_at")
        )
    }
}
