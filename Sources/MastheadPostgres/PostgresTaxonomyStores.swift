import Logging
import MastheadDomain
import MastheadStorage
import PostgresNIO

/// Authors on PostgreSQL.
package struct PostgresAuthorStore: AuthorStore, PostgresSluggedStore {
    package let engine: PostgresEngine
    package let clock: ContentClock

    package static var resourceKind: ResourceKind { .author }
    package static var table: String { "authors" }

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
            ).map(Self.author)
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
        return try await rows.first(author)
    }

    package static func insert(
        _ input: AuthorInput,
        slug: String,
        now: Timestamp,
        _ connection: PGConnection,
        _ logger: Logger
    ) async throws -> Int64 {
        try await connection.query(
            """
            INSERT INTO authors (slug, name, bio, avatar_url, website_url, location, created_at, updated_at)
            VALUES (\(slug), \(input.name), \(input.bio), \(input.avatarURL), \(input.websiteURL), \(input.location),
                    \(now.date), \(now.date))
            RETURNING id
            """,
            logger: logger
        ).first { try $0["id"] as Int64 }!
    }

    package static func update(
        id: Int64,
        with input: AuthorInput,
        slug: String,
        revision: Int,
        now: Timestamp,
        _ connection: PGConnection,
        _ logger: Logger
    ) async throws {
        try await connection.query(
            """
            UPDATE authors SET slug = \(slug), name = \(input.name), bio = \(input.bio), avatar_url = \(input.avatarURL),
                website_url = \(input.websiteURL), location = \(input.location), revision = \(revision),
                updated_at = \(now.date)
            WHERE id = \(id)
            """,
            logger: logger
        )
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
        SELECT au.*, (SELECT count(*) FROM articles a WHERE a.author_id = au.id AND \(PostgresVisibility.condition()))
               AS article_count
        FROM authors au
        """

    package static func author(from row: PGRow) throws -> Author {
        Author(
            id: try row["id"],
            slug: try row["slug"],
            name: try row["name"],
            bio: try row["bio"],
            avatarURL: try row["avatar_url"],
            websiteURL: try row["website_url"],
            location: try row["location"],
            articleCount: try row["article_count"],
            revision: try row["revision"],
            createdAt: try row.time("created_at"),
            updatedAt: try row.time("updated_at")
        )
    }
}

/// Tags on PostgreSQL. Deleting one removes it from every article that had it (ON DELETE CASCADE).
package struct PostgresTagStore: TagStore, PostgresSluggedStore {
    package let engine: PostgresEngine
    package let clock: ContentClock

    package static var resourceKind: ResourceKind { .tag }
    package static var table: String { "tags" }

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
            ).map(Self.tag)
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
        return try await rows.first(tag)
    }

    package static func insert(
        _ input: TagInput,
        slug: String,
        now: Timestamp,
        _ connection: PGConnection,
        _ logger: Logger
    )
        async throws -> Int64
    {
        try await connection.query(
            """
            INSERT INTO tags (slug, name, description, created_at, updated_at)
            VALUES (\(slug), \(input.name), \(input.description), \(now.date), \(now.date))
            RETURNING id
            """,
            logger: logger
        ).first { try $0["id"] as Int64 }!
    }

    package static func update(
        id: Int64,
        with input: TagInput,
        slug: String,
        revision: Int,
        now: Timestamp,
        _ connection: PGConnection,
        _ logger: Logger
    ) async throws {
        try await connection.query(
            """
            UPDATE tags SET slug = \(slug), name = \(input.name), description = \(input.description),
                revision = \(revision), updated_at = \(now.date)
            WHERE id = \(id)
            """,
            logger: logger
        )
    }

    /// Follows `\(clock:)`, which says when visibility is judged.
    package static let select = """
        SELECT t.id, t.slug, t.name, t.description, t.revision,
               (SELECT count(*) FROM article_tags at WHERE at.tag_id = t.id AND \(PostgresVisibility.carriedCondition()))
               AS article_count
        FROM tags t
        """

    package static func tag(from row: PGRow) throws -> Tag {
        Tag(
            id: try row["id"],
            slug: try row["slug"],
            name: try row["name"],
            description: try row["description"],
            articleCount: try row["article_count"],
            revision: try row["revision"]
        )
    }
}
