import Foundation
import GRDB
import MastheadDomain
import MastheadStorage

/// Article revisions in SQLite (migration 0013), written by `SQLiteArticleStore`'s writes.
public struct SQLiteRevisionStore: RevisionStore {
    package let database: AppDatabase

    public init(database: AppDatabase) {
        self.database = database
    }

    public func list(for slug: Slug, page: PageRequest) async throws -> Page<ArticleRevision> {
        try await database.reader.read { db in
            let articleID = try Self.articleID(of: slug, db)
            let total = try Int.fetchOne(
                db,
                SQLRequest<Int>(literal: "SELECT count(*) FROM article_revisions WHERE article_id = \(articleID)")
            )!
            let items = try Self.revisions(
                db,
                """
                article_id = \(articleID) ORDER BY revision DESC LIMIT \(page.limit) OFFSET \(page.offset)
                """
            )
            return Page(items: items, total: total)
        }
    }

    public func find(_ number: Int, for slug: Slug) async throws -> ArticleRevision {
        try await database.reader.read { db in
            let articleID = try Self.articleID(of: slug, db)
            guard let revision = try Self.revisions(db, "article_id = \(articleID) AND revision = \(number)").first
            else {
                throw StoreError.notFound(resource: .revision, slug: String(number))
            }
            return revision
        }
    }

    private static func articleID(of slug: Slug, _ db: Database) throws -> Int64 {
        let request = SQLRequest<Int64>(literal: "SELECT id FROM articles WHERE slug = \(slug.value)")
        guard let id = try Int64.fetchOne(db, request) else {
            throw StoreError.notFound(resource: .article, slug: slug.value)
        }
        return id
    }

    private static func revisions(_ db: Database, _ condition: SQL) throws -> [ArticleRevision] {
        try Row.fetchAll(db, SQLRequest<Row>(literal: "SELECT * FROM article_revisions WHERE \(condition)")).map {
            row in
            ArticleRevision(
                number: row["revision"],
                createdAt: try row.decode(forColumn: "created_at"),
                tokenID: row["token_id"],
                tokenName: row["token_name"],
                snapshot: try ArticleSnapshot(decoding: try CompressedText.text(stored: row["document"]))
            )
        }
    }
}

extension SQLiteArticleStore {
    /// Keeps the version a write just stored as revision `number` of the article `id`, by
    /// `token`, and lets go of those older than the newest `revisionsKept`.
    package static func keepRevision(
        _ snapshot: ArticleSnapshot,
        number: Int,
        of id: Int64,
        at time: Timestamp,
        by token: TokenInfo?,
        keeping revisionsKept: Int,
        _ db: Database
    ) throws {
        let document = CompressedText.compress(try snapshot.encoded())
        try db.execute(
            literal: """
                INSERT OR REPLACE INTO article_revisions (article_id, revision, created_at, token_id, token_name, document)
                VALUES (\(id), \(number), \(time), \(token?.id), \(token?.name), \(document))
                """
        )
        try db.execute(
            literal: "DELETE FROM article_revisions WHERE article_id = \(id) AND revision <= \(number - revisionsKept)"
        )
    }

    /// Before a replace: an article whose current version was never kept (imported, or last
    /// written before revisions were) keeps it now, by nobody known, so the replace does not
    /// lose it.
    package static func keepUnrecordedRevision(of record: ArticleRecord, now: Timestamp, keeping: Int, _ db: Database)
        throws
    {
        let id = record.id!
        let kept = try Bool.fetchOne(
            db,
            SQLRequest<Bool>(
                literal: """
                    SELECT EXISTS (SELECT 1 FROM article_revisions WHERE article_id = \(id) AND revision = \(record.revision))
                    """
            )
        )!
        guard !kept, let current = try fetchOne(db, where: "a.id = \(id)", bodies: [.markdown], now: now) else {
            return
        }
        try keepRevision(
            try ArticleSnapshot(current),
            number: record.revision,
            of: id,
            at: record.updatedAt,
            by: nil,
            keeping: keeping,
            db
        )
    }
}
