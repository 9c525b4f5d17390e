import Foundation
import GRDB
import MastheadDomain
import MastheadStorage

/// Preview links and the preview secret in SQLite (migration 0012).
public struct SQLitePreviewStore: PreviewStore {
    package let database: AppDatabase
    package let clock: ContentClock

    public init(database: AppDatabase, clock: ContentClock) {
        self.database = database
        self.clock = clock
    }

    public func create(for slug: Slug, expiresAt: Timestamp, by token: TokenInfo?) async throws -> PreviewLink {
        let now = clock.now
        return try await database.write { db in
            let articleID = try Self.articleID(of: slug, db)
            try db.execute(
                literal: "DELETE FROM preview_links WHERE article_id = \(articleID) AND expires_at <= \(now)"
            )
            let live = try Int.fetchOne(
                db,
                SQLRequest<Int>(literal: "SELECT count(*) FROM preview_links WHERE article_id = \(articleID)")
            )!
            guard live < PreviewSecrets.maximumPerArticle else { throw PreviewSecrets.tooMany }
            try db.execute(
                literal: """
                    INSERT INTO preview_links (article_id, created_at, expires_at, created_by_token_id, created_by_token_name)
                    VALUES (\(articleID), \(now), \(expiresAt), \(token?.id), \(token?.name))
                    """
            )
            return try Self.links(db, "l.id = \(db.lastInsertedRowID)")[0]
        }
    }

    public func list(for slug: Slug) async throws -> [PreviewLink] {
        let now = clock.now
        return try await database.reader.read { db in
            let articleID = try Self.articleID(of: slug, db)
            return try Self.links(db, "l.article_id = \(articleID) AND l.expires_at > \(now)")
        }
    }

    public func delete(id: Int64, for slug: Slug) async throws {
        try await database.write { db in
            let articleID = try Self.articleID(of: slug, db)
            try db.execute(literal: "DELETE FROM preview_links WHERE id = \(id) AND article_id = \(articleID)")
            guard db.changesCount == 1 else {
                throw StoreError.notFound(resource: .previewLink, slug: String(id))
            }
        }
    }

    public func find(id: Int64) async throws -> PreviewLink? {
        try await database.reader.read { db in try Self.links(db, "l.id = \(id)").first }
    }

    public func secret() async throws -> [UInt8] {
        if let stored = try await database.reader.read({ db in try Self.storedSecret(db) }) { return stored }
        // Made once: a concurrent first use keeps whichever secret was written first.
        let generated = PreviewSecrets.generate()
        return try await database.write { db in
            try db.execute(
                literal: """
                    INSERT INTO server_secrets (name, secret) VALUES (\(PreviewSecrets.name), \(Data(generated)))
                    ON CONFLICT (name) DO NOTHING
                    """
            )
            return try Self.storedSecret(db)!
        }
    }

    public func rotateSecret() async throws {
        let generated = PreviewSecrets.generate()
        try await database.write { db in
            try db.execute(
                literal: """
                    INSERT INTO server_secrets (name, secret) VALUES (\(PreviewSecrets.name), \(Data(generated)))
                    ON CONFLICT (name) DO UPDATE SET secret = excluded.secret
                    """
            )
        }
    }

    private static func storedSecret(_ db: Database) throws -> [UInt8]? {
        try Data.fetchOne(
            db,
            SQLRequest<Data>(literal: "SELECT secret FROM server_secrets WHERE name = \(PreviewSecrets.name)")
        ).map { Array($0) }
    }

    /// The id of the article `slug`, whatever its status.
    private static func articleID(of slug: Slug, _ db: Database) throws -> Int64 {
        let request = SQLRequest<Int64>(literal: "SELECT id FROM articles WHERE slug = \(slug.value)")
        guard let id = try Int64.fetchOne(db, request) else {
            throw StoreError.notFound(resource: .article, slug: slug.value)
        }
        return id
    }

    private static func links(_ db: Database, _ condition: SQL) throws -> [PreviewLink] {
        try Row.fetchAll(
            db,
            SQLRequest<Row>(
                literal: """
                    SELECT l.*, a.slug FROM preview_links l JOIN articles a ON a.id = l.article_id
                    WHERE \(condition) ORDER BY l.id DESC
                    """
            )
        ).map { row in
            PreviewLink(
                id: row["id"],
                articleID: row["article_id"],
                articleSlug: row["slug"],
                createdAt: try row.decode(forColumn: "created_at"),
                expiresAt: try row.decode(forColumn: "expires_at"),
                createdByTokenID: row["created_by_token_id"],
                createdByTokenName: row["created_by_token_name"]
            )
        }
    }
}
