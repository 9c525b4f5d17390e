import Foundation
import Logging
import MastheadDomain
import MastheadStorage
import PostgresNIO

/// Article revisions on PostgreSQL (migration 0007), written by `PostgresArticleStore`'s writes.
package struct PostgresRevisionStore: RevisionStore {
    package let engine: PostgresEngine

    package var logger: Logger { engine.logger }

    package func list(for slug: Slug, page: PageRequest) async throws -> Page<ArticleRevision> {
        let logger = logger
        return try await engine.client.withConnection { connection in
            let articleID = try await Self.articleID(of: slug, connection, logger)
            let total =
                try await connection.run(
                    "SELECT count(*) AS total FROM article_revisions WHERE article_id = \(articleID)",
                    logger
                ).first { try $0["total"] as Int } ?? 0
            let items = try await Self.revisions(
                """
                article_id = \(articleID) ORDER BY revision DESC LIMIT \(page.limit) OFFSET \(page.offset)
                """,
                connection,
                logger
            )
            return Page(items: items, total: total)
        }
    }

    package func find(_ number: Int, for slug: Slug) async throws -> ArticleRevision {
        let logger = logger
        return try await engine.client.withConnection { connection in
            let articleID = try await Self.articleID(of: slug, connection, logger)
            let found = try await Self.revisions(
                "article_id = \(articleID) AND revision = \(number)",
                connection,
                logger
            )
            guard let revision = found.first else {
                throw StoreError.notFound(resource: .revision, slug: String(number))
            }
            return revision
        }
    }

    private static func articleID(of slug: Slug, _ connection: PGConnection, _ logger: Logger)
        async throws -> Int64
    {
        let id = try await connection.run("SELECT id FROM articles WHERE slug = \(slug.value)", logger)
            .first { try $0["id"] as Int64 }
        guard let id else { throw StoreError.notFound(resource: .article, slug: slug.value) }
        return id
    }

    private static func revisions(_ condition: SQLFragment, _ connection: PGConnection, _ logger: Logger)
        async throws -> [ArticleRevision]
    {
        try await connection.run(
            "SELECT revision, created_at, token_id, token_name, document FROM article_revisions WHERE \(condition)",
            logger
        ).map { row in
            ArticleRevision(
                number: try row["revision"],
                createdAt: try row.time("created_at"),
                tokenID: try row["token_id"],
                tokenName: try row["token_name"],
                snapshot: try ArticleSnapshot(decoding: try row["document"])
            )
        }
    }
}

extension PostgresArticleStore {
    /// Keeps the version a write just stored as revision `number` of the article `id`, by
    /// `token`, and lets go of those older than the newest `revisionsKept`.
    package static func keepRevision(
        _ snapshot: ArticleSnapshot,
        number: Int,
        of id: Int64,
        at time: Timestamp,
        by token: TokenInfo?,
        keeping revisionsKept: Int,
        _ connection: PGConnection,
        _ logger: Logger
    ) async throws {
        try await connection.run(
            """
            INSERT INTO article_revisions (article_id, revision, created_at, token_id, token_name, document)
            VALUES (\(id), \(number), \(time), \(token?.id), \(token?.name), \(try snapshot.encoded()))
            ON CONFLICT (article_id, revision) DO UPDATE SET created_at = excluded.created_at,
                token_id = excluded.token_id, token_name = excluded.token_name, document = excluded.document
            """,
            logger
        )
        try await connection.run(
            "DELETE FROM article_revisions WHERE article_id = \(id) AND revision <= \(number - revisionsKept)",
            logger
        )
    }

    /// Before a replace: an article whose current version was never kept (imported, or last
    /// written before revisions were) keeps it now, by nobody known, so the replace does not
    /// lose it.
    package static func keepUnrecordedRevision(
        of id: Int64,
        revision: Int,
        now: Timestamp,
        keeping revisionsKept: Int,
        _ connection: PGConnection,
        _ logger: Logger
    ) async throws {
        let kept =
            try await connection.run(
                """
                SELECT EXISTS (SELECT 1 FROM article_revisions WHERE article_id = \(id) AND revision = \(revision)) AS kept
                """,
                logger
            ).first { try $0["kept"] as Bool } ?? false
        guard !kept,
            let current = try await fetch("a.id = \(id)", bodies: [.markdown], now: now, connection, logger).first
        else { return }
        try await keepRevision(
            try ArticleSnapshot(current),
            number: revision,
            of: id,
            at: current.updatedAt,
            by: nil,
            keeping: revisionsKept,
            connection,
            logger
        )
    }
}
