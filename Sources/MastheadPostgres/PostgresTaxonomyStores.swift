import Logging
import MastheadDomain
import MastheadStorage
import PostgresNIO

/// Authors on PostgreSQL.
package struct PostgresAuthorStore: AuthorStore, PostgresSluggedStore {
    package let engine: PostgresEngine
    package let clock: ContentClock

    package static var stored: SluggedKind<AuthorInput, Author> { SluggedKinds.authors }

    package func list(_ page: PageRequest) async throws -> Page<Author> {
        let now = clock.now
        let logger = logger
        return try await engine.client.withConnection { connection in
            let total =
                try await connection.query("SELECT count(*) AS total FROM authors", logger: logger)
                .first { try $0["total"] as Int } ?? 0
            let authors = try await connection.query(
                """
                \(clock: now)\(unescaped: Self.select) ORDER BY masthead_nocase(au.name), au.id
                LIMIT \(page.limit) OFFSET \(page.offset)
                """,
                logger: logger
            ).map(Self.stored.read)
            return Page(items: authors, total: total)
        }
    }

    package static func fetch(_ key: RowKey, now: Timestamp, _ connection: PGConnection, _ logger: Logger) async throws
        -> Author?
    {
        let rows =
            switch key {
            case .id(let id):
                try await connection.query("\(clock: now)\(unescaped: select) WHERE au.id = \(id)", logger: logger)
            case .slug(let slug):
                try await connection.query("\(clock: now)\(unescaped: select) WHERE au.slug = \(slug)", logger: logger)
            }
        return try await rows.first(stored.read)
    }

    /// An author with articles (drafts included) is not deleted: they would lose their byline.
    package static func checkDelete(id: Int64, slug: String, _ connection: PGConnection, _ logger: Logger) async throws
    {
        let articles =
            try await connection.query(
                "SELECT count(*) AS articles FROM articles WHERE author_id = \(id)",
                logger: logger
            ).first { try $0["articles"] as Int } ?? 0
        guard articles == 0 else { throw AuthorRules.hasArticles(slug: slug, count: articles) }
    }

    /// Follows `\(clock:)`, which says when visibility is judged.
    package static let select = """
        SELECT \(SluggedKinds.authors.selectList("au")),
               (SELECT count(*) FROM articles a WHERE a.author_id = au.id AND \(PostgresVisibility.condition()))
               AS article_count
        FROM authors au
        """
}

/// Tags on PostgreSQL. Deleting one removes it from every article that had it (ON DELETE CASCADE).
package struct PostgresTagStore: TagStore, PostgresSluggedStore {
    package let engine: PostgresEngine
    package let clock: ContentClock

    package static var stored: SluggedKind<TagInput, Tag> { SluggedKinds.tags }

    package func list(_ page: PageRequest, sort: TagSort) async throws -> Page<Tag> {
        let now = clock.now
        let logger = logger
        let order =
            switch sort {
            case .name: "masthead_nocase(t.name), t.id"
            case .mostArticles: "article_count DESC, masthead_nocase(t.name), t.id"
            }
        return try await engine.client.withConnection { connection in
            let total =
                try await connection.query("SELECT count(*) AS total FROM tags", logger: logger)
                .first { try $0["total"] as Int } ?? 0
            let tags = try await connection.query(
                "\(clock: now)\(unescaped: Self.select) ORDER BY \(unescaped: order) LIMIT \(page.limit) OFFSET \(page.offset)",
                logger: logger
            ).map(Self.stored.read)
            return Page(items: tags, total: total)
        }
    }

    package static func fetch(_ key: RowKey, now: Timestamp, _ connection: PGConnection, _ logger: Logger) async throws
        -> Tag?
    {
        let rows =
            switch key {
            case .id(let id):
                try await connection.query("\(clock: now)\(unescaped: select) WHERE t.id = \(id)", logger: logger)
            case .slug(let slug):
                try await connection.query("\(clock: now)\(unescaped: select) WHERE t.slug = \(slug)", logger: logger)
            }
        return try await rows.first(stored.read)
    }

    /// Follows `\(clock:)`, which says when visibility is judged.
    package static let select = """
        SELECT \(SluggedKinds.tags.selectList("t")),
               (SELECT count(*) FROM article_tags at WHERE at.tag_id = t.id AND \(PostgresVisibility.carriedCondition()))
               AS article_count
        FROM tags t
        """
}
