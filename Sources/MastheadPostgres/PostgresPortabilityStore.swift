import Logging
import MastheadDomain
import MastheadStorage
import PostgresNIO

/// Whole publications in and out of PostgreSQL, in the document SQLite reads and writes: an
/// export from either engine imports into the other, and exports again byte for byte.
package struct PostgresPortabilityStore: PortabilityStore {
    package let engine: PostgresEngine
    /// The described kinds it carries besides the built-in ones (`DescribedKinds.all`).
    package let kinds: [any DescribedInput.Type]

    package init(engine: PostgresEngine, kinds: [any DescribedInput.Type] = DescribedKinds.all) {
        self.engine = engine
        self.kinds = kinds
    }

    package var logger: Logger { engine.logger }

    /// Everything but tokens, as of one moment, each list in id order.
    package func export() async throws -> ContentExport {
        let logger = logger
        return try await engine.write(announcing: nil) { connection in
            try await connection.run("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY", logger)
            let site = try await connection.run("SELECT * FROM site WHERE id = 1", logger).first { row in
                SiteExport(
                    title: try row["title"],
                    description: try row["description"],
                    tagline: try row["tagline"],
                    url: try row["url"],
                    locale: try row["locale"],
                    timezone: try row["timezone"],
                    revision: try row["revision"],
                    updatedAt: try row.time("updated_at")
                )
            }
            let authors = try await SluggedKinds.authors.exported(connection, logger).map(AuthorExport.init)
            let tags = try await SluggedKinds.tags.exported(connection, logger).map(TagExport.init)
            let articles = try await connection.run(
                """
                SELECT a.*, au.slug AS author_slug, b.markdown,
                    ARRAY(SELECT t.slug FROM article_tags at JOIN tags t ON t.id = at.tag_id
                          WHERE at.article_id = a.id ORDER BY at.position) AS tag_slugs,
                    ARRAY(SELECT r.old_slug FROM article_redirects r WHERE r.article_id = a.id
                          ORDER BY r.old_slug COLLATE "C") AS old_slugs,
                    ARRAY(SELECT to_char(v.day, 'YYYY-MM-DD') FROM article_views_daily v
                          WHERE v.article_id = a.id ORDER BY v.day) AS view_days,
                    ARRAY(SELECT v.views FROM article_views_daily v WHERE v.article_id = a.id ORDER BY v.day) AS day_views
                FROM articles a JOIN authors au ON au.id = a.author_id
                LEFT JOIN article_bodies b ON b.article_id = a.id
                ORDER BY a.id
                """,
                logger
            ).map { row in
                let days: [String] = try row["view_days"]
                let views: [Int] = try row["day_views"]
                return ArticleExport(
                    slug: try row["slug"],
                    title: try row["title"],
                    customExcerpt: try row["custom_excerpt"],
                    status: try row["status"],
                    featured: try row["featured"],
                    publishedAt: try row.optionalTime("published_at"),
                    author: try row["author_slug"],
                    tags: try row["tag_slugs"],
                    bodyMarkdown: try row["markdown"] as String? ?? "",
                    views: try row["views"],
                    dailyViews: zip(days, views).map { DailyViewsExport(day: $0, views: $1) },
                    oldSlugs: try row["old_slugs"],
                    details: try ArticleDetails(reading: row.detail),
                    revision: try row["revision"],
                    createdAt: try row.time("created_at"),
                    updatedAt: try row.time("updated_at")
                )
            }
            let services = try await SluggedKinds.services.exported(connection, logger)
            let serviceSlugs = Dictionary(uniqueKeysWithValues: services.map { ($0.0.id, $0.0.slug) })
            var platformServices: [Int64: [String]] = [:]
            for (platform, service) in try await connection.run(
                "SELECT platform_id, service_id FROM platform_services ORDER BY platform_id, service_id",
                logger
            ).map({ (try $0["platform_id"] as Int64, try $0["service_id"] as Int64) }) {
                platformServices[platform, default: []].append(serviceSlugs[service]!)
            }
            let platforms = try await SluggedKinds.platforms.exported(connection, logger).map { stored, input in
                var platform = PlatformExport(stored, input)
                platform.services = platformServices[stored.id, default: []]
                return platform
            }
            return ContentExport(
                format: ContentExport.formatName,
                version: ContentExport.currentVersion,
                site: site,
                authors: authors,
                tags: tags,
                articles: articles,
                platforms: platforms,
                services: services.map(ServiceExport.init),
                described: try await Self.described(kinds, connection, logger)
            )
        }
    }

    /// Each described kind's section; nil when none has an entry.
    private static func described(_ kinds: [any DescribedInput.Type], _ connection: PGConnection, _ logger: Logger)
        async throws -> [String: [DescribedExport]]?
    {
        func section<Input: DescribedInput>(_: Input.Type) async throws -> [DescribedExport] {
            Input.exportEntries(try await Input.stored.exported(connection, logger))
        }
        var sections: [String: [DescribedExport]] = [:]
        for kind in kinds {
            let entries = try await section(kind)
            if !entries.isEmpty { sections[kind.table] = entries }
        }
        return sections.isEmpty ? nil : sections
    }

    /// Loads `document` into a database that holds no content, in one transaction: a
    /// document with any problem, or a database that is not empty, changes nothing.
    package func importContent(_ document: ContentExport) async throws {
        let problems = document.problems() + document.describedProblems(kinds: kinds)
        guard problems.isEmpty else { throw ImportFailure(problems: problems) }
        let bodies = await ArticleText.preparing(document.articles.map(\.bodyMarkdown))
        let logger = logger
        try await engine.write(announcing: .content) { connection in
            // Instances starting together with --demo import one at a time: the first
            // imports, the others find content and change nothing.
            try await connection.run("SELECT pg_advisory_xact_lock(\(PostgresEngine.importLock))", logger)
            let holdsContent =
                try await connection.query(
                    PostgresQuery(unsafeSQL: DescribedKinds.holdsContentQuery(kinds)),
                    logger: logger
                ).first { try $0["holds"] as Bool } ?? false
            guard !holdsContent else {
                throw ImportFailure.notEmpty
            }
            func insertDescribed<Input: DescribedInput>(_: Input.Type) async throws {
                let entries = try document.describedEntries(of: Input.self)
                _ = try await Self.insert(entries, as: Input.stored, connection, logger)
            }
            for kind in kinds { try await insertDescribed(kind) }
            if let site = document.site {
                try await connection.run(
                    """
                    UPDATE site SET title = \(site.title), description = \(site.description), tagline = \(site.tagline),
                        url = \(site.url),
                        locale = \(site.locale), timezone = \(site.timezone), revision = \(site.revision),
                        updated_at = \(site.updatedAt)
                    WHERE id = 1
                    """,
                    logger
                )
            }
            let authorIDs = try await Self.insert(document.authors, as: SluggedKinds.authors, connection, logger)
            let tagIDs = try await Self.insert(document.tags, as: SluggedKinds.tags, connection, logger)
            let serviceIDs = try await Self.insert(document.services, as: SluggedKinds.services, connection, logger)
            let platformIDs = try await Self.insert(document.platforms, as: SluggedKinds.platforms, connection, logger)
            for platform in document.platforms {
                let services = platform.services.compactMap { serviceIDs[$0] }
                try await connection.run(
                    """
                    INSERT INTO platform_services (platform_id, service_id)
                    SELECT \(platformIDs[platform.slug]!), s FROM unnest(\(services)::bigint[]) AS s
                    """,
                    logger
                )
            }
            for (article, body) in zip(document.articles, bodies) {
                let excerpt = article.customExcerpt ?? body.fallbackExcerpt
                let id = try await connection.run(
                    """
                    INSERT INTO articles (slug, title, custom_excerpt, excerpt, status, featured, published_at, author_id,
                        word_count, reading_time_minutes, views, \(ArticleDetails.columns), revision, created_at, updated_at)
                    VALUES (\(article.slug), \(article.title), \(article.customExcerpt), \(excerpt), \(article.status),
                        \(article.featured), \(article.publishedAt), \(authorIDs[article.author]!), \(body.wordCount),
                        \(body.readingTimeMinutes), \(article.views), \(article.details.values), \(article.revision),
                        \(article.createdAt), \(article.updatedAt))
                    RETURNING id
                    """,
                    logger
                ).first { try $0["id"] as Int64 }!
                try await PostgresArticleStore.saveBody(body, of: id, connection, logger)
                let tags = article.tags.compactMap { tagIDs[$0] }
                try await connection.run(
                    """
                    INSERT INTO article_tags (article_id, tag_id, position, visible_from)
                    SELECT \(id), t.tag_id, t.position - 1, \(article.status == "published" ? article.publishedAt : nil)
                    FROM unnest(\(tags)::bigint[]) WITH ORDINALITY AS t(tag_id, position)
                    """,
                    logger
                )
                try await connection.run(
                    """
                    INSERT INTO article_redirects (old_slug, article_id, created_at)
                    SELECT old_slug, \(id), \(article.updatedAt) FROM unnest(\(article.oldSlugs)::text[]) AS old_slug
                    """,
                    logger
                )
                try await connection.run(
                    """
                    INSERT INTO article_views_daily (article_id, day, views)
                    SELECT \(id), day::date, views
                    FROM unnest(\(article.dailyViews.map(\.day))::text[], \(article.dailyViews.map(\.views))::bigint[])
                        AS v(day, views)
                    """,
                    logger
                )
            }
        }
    }

    /// Inserts a kind's entries in order, as they were (slug, revision, times); their ids by
    /// slug.
    private static func insert<Entry: SluggedExport, Resource>(
        _ entries: [Entry],
        as kind: SluggedKind<Entry.Input, Resource>,
        _ connection: PGConnection,
        _ logger: Logger
    ) async throws -> [String: Int64] {
        var ids: [String: Int64] = [:]
        for entry in entries {
            ids[entry.slug] = try await kind.insert(
                entry.input,
                slug: entry.slug,
                revision: entry.revision,
                createdAt: entry.createdAt,
                updatedAt: entry.updatedAt,
                connection,
                logger
            )
        }
        return ids
    }
}
