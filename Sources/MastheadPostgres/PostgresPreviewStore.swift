import Foundation
import Logging
import MastheadDomain
import MastheadStorage
import PostgresNIO

/// Preview links and the preview secret on PostgreSQL (migration 0006), shared by every
/// instance on the database.
package struct PostgresPreviewStore: PreviewStore {
    package let engine: PostgresEngine
    package let clock: ContentClock

    package var logger: Logger { engine.logger }

    package func create(for slug: Slug, expiresAt: Timestamp, by token: TokenInfo?) async throws -> PreviewLink {
        let now = clock.now
        let logger = logger
        let created = try await engine.write(announcing: nil) { connection -> PreviewLink? in
            // The article's row is locked, so creations for it count one after another.
            let articleID = try await connection.run(
                "SELECT id FROM articles WHERE slug = \(slug.value) FOR UPDATE",
                logger
            ).first { try $0["id"] as Int64 }
            guard let articleID else { return nil }
            try await connection.run(
                "DELETE FROM preview_links WHERE article_id = \(articleID) AND expires_at <= \(now)",
                logger
            )
            let live =
                try await connection.run(
                    "SELECT count(*) AS n FROM preview_links WHERE article_id = \(articleID)",
                    logger
                ).first { try $0["n"] as Int } ?? 0
            guard live < PreviewSecrets.maximumPerArticle else { throw PreviewSecrets.tooMany }
            let id = try await connection.run(
                """
                INSERT INTO preview_links (article_id, created_at, expires_at, created_by_token_id, created_by_token_name)
                VALUES (\(articleID), \(now), \(expiresAt), \(token?.id), \(token?.name))
                RETURNING id
                """,
                logger
            ).first { try $0["id"] as Int64 }
            guard let id else { return nil }
            return try await Self.links("l.id = \(id)", connection, logger).first
        }
        guard let created else { throw StoreError.notFound(resource: .article, slug: slug.value) }
        return created
    }

    package func list(for slug: Slug) async throws -> [PreviewLink] {
        let now = clock.now
        let logger = logger
        return try await engine.client.withConnection { connection in
            let exists =
                try await connection.run(
                    "SELECT EXISTS (SELECT 1 FROM articles WHERE slug = \(slug.value)) AS found",
                    logger
                )
                .first { try $0["found"] as Bool } ?? false
            guard exists else { throw StoreError.notFound(resource: .article, slug: slug.value) }
            return try await Self.links("a.slug = \(slug.value) AND l.expires_at > \(now)", connection, logger)
        }
    }

    package func delete(id: Int64, for slug: Slug) async throws {
        let logger = logger
        let deleted = try await engine.write(announcing: nil) { connection in
            try await connection.run(
                """
                DELETE FROM preview_links l USING articles a
                WHERE l.id = \(id) AND a.id = l.article_id AND a.slug = \(slug.value) RETURNING l.id
                """,
                logger
            ).first { try $0["id"] as Int64 }
        }
        guard deleted != nil else { throw StoreError.notFound(resource: .previewLink, slug: String(id)) }
    }

    package func find(id: Int64) async throws -> PreviewLink? {
        let logger = logger
        return try await engine.client.withConnection { connection in
            try await Self.links("l.id = \(id)", connection, logger).first
        }
    }

    package func secret() async throws -> [UInt8] {
        let logger = logger
        let stored = try await engine.client.withConnection { connection in
            try await Self.storedSecret(connection, logger)
        }
        if let stored { return stored }
        // Made once: instances using it first at the same time keep whichever was written first.
        return try await engine.write(announcing: nil) { connection in
            try await connection.run(
                """
                INSERT INTO server_secrets (name, secret) VALUES (\(PreviewSecrets.name), \(ByteBuffer(bytes: PreviewSecrets.generate())))
                ON CONFLICT (name) DO NOTHING
                """,
                logger
            )
            return try await Self.storedSecret(connection, logger) ?? []
        }
    }

    private static func storedSecret(_ connection: PGConnection, _ logger: Logger) async throws -> [UInt8]? {
        try await connection.run("SELECT secret FROM server_secrets WHERE name = \(PreviewSecrets.name)", logger)
            .first { Array((try $0["secret"] as ByteBuffer).readableBytesView) }
    }

    package func rotateSecret() async throws {
        let logger = logger
        try await engine.write(announcing: nil) { connection -> Void in
            try await connection.run(
                """
                INSERT INTO server_secrets (name, secret) VALUES (\(PreviewSecrets.name), \(ByteBuffer(bytes: PreviewSecrets.generate())))
                ON CONFLICT (name) DO UPDATE SET secret = excluded.secret
                """,
                logger
            )
        }
    }

    private static func links(_ condition: SQLFragment, _ connection: PGConnection, _ logger: Logger)
        async throws -> [PreviewLink]
    {
        try await connection.run(
            """
            SELECT l.*, a.slug FROM preview_links l JOIN articles a ON a.id = l.article_id
            WHERE \(condition) ORDER BY l.id DESC
            """,
            logger
        ).map { row in
            PreviewLink(
                id: try row["id"],
                articleID: try row["article_id"],
                articleSlug: try row["slug"],
                createdAt: try row.time("created_at"),
                expiresAt: try row.time("expires_at"),
                createdByTokenID: try row["created_by_token_id"],
                createdByTokenName: try row["created_by_token_name"]
            )
        }
    }
}
