import Foundation
import GRDB
import MastheadDomain
import MastheadStorage

/// Reads and writes whole publications in SQLite.
public struct SQLitePortabilityStore: PortabilityStore {
    package let database: AppDatabase
    /// What is public once imported enters the search index at once (`SQLiteSearchIndex`).
    package let clock: ContentClock
    /// The described kinds it carries besides the built-in ones (`DescribedKinds.all`).
    package let kinds: [any DescribedInput.Type]

    public init(database: AppDatabase, clock: ContentClock = .system) {
        self.init(database: database, clock: clock, kinds: DescribedKinds.all)
    }

    package init(database: AppDatabase, clock: ContentClock, kinds: [any DescribedInput.Type]) {
        self.database = database
        self.clock = clock
        self.kinds = kinds
    }

    /// Everything but tokens, in one read transaction, each list in id order.
    public func export() async throws -> ContentExport {
        try await database.reader.read { db in
            let authors = try SluggedKinds.authors.exported(db)
            let tags = try SluggedKinds.tags.exported(db)
            let services = try SluggedKinds.services.exported(db)
            let authorSlugs = Dictionary(uniqueKeysWithValues: authors.map { ($0.0.id, $0.0.slug) })
            let tagSlugs = Dictionary(uniqueKeysWithValues: tags.map { ($0.0.id, $0.0.slug) })
            let serviceSlugs = Dictionary(uniqueKeysWithValues: services.map { ($0.0.id, $0.0.slug) })
            let articleTags = try Self.grouped(
                db,
                "SELECT article_id, tag_id FROM article_tags ORDER BY article_id, position"
            )
            let platformServices = try Self.grouped(
                db,
                "SELECT platform_id, service_id FROM platform_services ORDER BY platform_id, service_id"
            )
            var redirects: [Int64: [String]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT article_id, old_slug FROM article_redirects ORDER BY old_slug")
            {
                redirects[row["article_id"], default: []].append(row["old_slug"])
            }
            var daily: [Int64: [DailyViewsExport]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT * FROM article_views_daily ORDER BY article_id, day") {
                daily[row["article_id"], default: []].append(DailyViewsExport(day: row["day"], views: row["views"]))
            }
            // Bodies in one read, like the other per-article collections (0010 keeps them apart).
            var markdown: [Int64: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT article_id, markdown FROM article_bodies") {
                markdown[row["article_id"]] = row["markdown"]
            }
            let site = try SiteRecord.fetchOne(db)
            return ContentExport(
                format: ContentExport.formatName,
                version: ContentExport.currentVersion,
                site: site.map {
                    SiteExport(
                        title: $0.title,
                        description: $0.description,
                        tagline: $0.tagline,
                        url: $0.url,
                        locale: $0.locale,
                        timezone: $0.timezone,
                        revision: $0.revision,
                        updatedAt: $0.updatedAt
                    )
                },
                authors: authors.map(AuthorExport.init),
                tags: tags.map(TagExport.init),
                articles: try ArticleRecord.order(Column("id")).fetchAll(db).map { article in
                    let id = article.id!
                    return ArticleExport(
                        slug: article.slug,
                        title: article.title,
                        customExcerpt: article.customExcerpt,
                        status: article.status,
                        featured: article.featured,
                        publishedAt: article.publishedAt,
                        author: authorSlugs[article.authorId]!,
                        tags: articleTags[id, default: []].map { tagSlugs[$0]! },
                        bodyMarkdown: markdown[id] ?? "",
                        views: article.views,
                        dailyViews: daily[id, default: []],
                        oldSlugs: redirects[id, default: []],
                        details: article.details,
                        revision: article.revision,
                        createdAt: article.createdAt,
                        updatedAt: article.updatedAt
                    )
                },
                platforms: try SluggedKinds.platforms.exported(db).map { stored, input in
                    var platform = PlatformExport(stored, input)
                    platform.services = platformServices[stored.id, default: []].map { serviceSlugs[$0]! }
                    return platform
                },
                services: services.map(ServiceExport.init),
                described: try Self.described(kinds, db)
            )
        }
    }

    /// Each described kind's section; nil when none has an entry.
    private static func described(_ kinds: [any DescribedInput.Type], _ db: Database) throws
        -> [String: [DescribedExport]]?
    {
        func section<Input: DescribedInput>(_: Input.Type) throws -> [DescribedExport] {
            Input.exportEntries(try Input.stored.exported(db))
        }
        var sections: [String: [DescribedExport]] = [:]
        for kind in kinds {
            let entries = try section(kind)
            if !entries.isEmpty { sections[kind.table] = entries }
        }
        return sections.isEmpty ? nil : sections
    }

    /// Loads `document` into a database that holds no content, in one transaction: a
    /// document with any problem, or a database that is not empty, changes nothing.
    public func importContent(_ document: ContentExport) async throws {
        let problems = document.problems() + document.describedProblems(kinds: kinds)
        guard problems.isEmpty else { throw ImportFailure(problems: problems) }
        let bodies = await PreparedBody.preparing(document.articles.map(\.bodyMarkdown))
        let now = clock.now
        try await database.writer.write { db in
            guard try !(Bool.fetchOne(db, sql: DescribedKinds.holdsContentQuery(kinds)) ?? false) else {
                throw ImportFailure.notEmpty
            }
            func insertDescribed<Input: DescribedInput>(_: Input.Type) throws {
                _ = try Self.insert(try document.describedEntries(of: Input.self), as: Input.stored, db)
            }
            for kind in kinds { try insertDescribed(kind) }
            if let site = document.site {
                var record = SiteRecord(
                    title: site.title,
                    description: site.description,
                    tagline: site.tagline,
                    url: site.url,
                    locale: site.locale,
                    timezone: site.timezone,
                    revision: site.revision,
                    updatedAt: site.updatedAt
                )
                try record.upsert(db)
            }
            let authorIDs = try Self.insert(document.authors, as: SluggedKinds.authors, db)
            let tagIDs = try Self.insert(document.tags, as: SluggedKinds.tags, db)
            let serviceIDs = try Self.insert(document.services, as: SluggedKinds.services, db)
            let platformIDs = try Self.insert(document.platforms, as: SluggedKinds.platforms, db)
            for platform in document.platforms {
                for slug in platform.services {
                    try PlatformServiceRecord(platformId: platformIDs[platform.slug]!, serviceId: serviceIDs[slug]!)
                        .insert(db)
                }
            }
            // Bodies are staged, then moved in one statement: a statement that fires the search
            // index's triggers first makes FTS5 write out all it holds, so a statement per body
            // made each article a segment of its own, and merging them was most of an import.
            try db.execute(
                sql: """
                    CREATE TEMP TABLE imported_bodies (
                        article_id INTEGER PRIMARY KEY, markdown TEXT NOT NULL, plaintext BLOB NOT NULL
                    )
                    """
            )
            let stageBody = try db.makeStatement(sql: "INSERT INTO temp.imported_bodies VALUES (?, ?, ?)")
            let addRedirect = try db.makeStatement(
                sql: "INSERT INTO article_redirects (old_slug, article_id, created_at) VALUES (?, ?, ?)"
            )
            let addDailyViews = try db.makeStatement(
                sql: "INSERT INTO article_views_daily (article_id, day, views) VALUES (?, ?, ?)"
            )
            for (article, body) in zip(document.articles, bodies) {
                var record = ArticleRecord(
                    slug: article.slug,
                    title: article.title,
                    customExcerpt: article.customExcerpt,
                    excerpt: "",
                    status: article.status,
                    featured: article.featured,
                    publishedAt: article.publishedAt,
                    authorId: authorIDs[article.author]!,
                    wordCount: 0,
                    readingTimeMinutes: 1,
                    views: article.views,
                    details: article.details,
                    revision: article.revision,
                    createdAt: article.createdAt,
                    updatedAt: article.updatedAt
                )
                record.setBody(body)
                try record.insert(db)
                let id = record.id!
                try stageBody.execute(arguments: [id, body.record.markdown, body.record.plaintext])
                for (position, slug) in article.tags.enumerated() {
                    try ArticleTagRecord(articleId: id, tagId: tagIDs[slug]!, position: position).insert(db)
                }
                for oldSlug in article.oldSlugs {
                    try addRedirect.execute(arguments: [oldSlug, id, article.updatedAt])
                }
                for bucket in article.dailyViews {
                    try addDailyViews.execute(arguments: [id, bucket.day, bucket.views])
                }
            }
            try db.execute(
                sql: """
                    INSERT INTO article_bodies (article_id, markdown, plaintext)
                    SELECT article_id, markdown, plaintext FROM temp.imported_bodies ORDER BY article_id;
                    DROP TABLE temp.imported_bodies;
                    """
            )
            try SQLiteSearchIndex.indexDue(at: now, db)
        }
    }

    /// Inserts a kind's entries in order, as they were (slug, revision, times); their ids by
    /// slug.
    private static func insert<Entry: SluggedExport, Resource>(
        _ entries: [Entry],
        as kind: SluggedKind<Entry.Input, Resource>,
        _ db: Database
    ) throws -> [String: Int64] {
        var ids: [String: Int64] = [:]
        for entry in entries {
            ids[entry.slug] = try kind.insert(
                entry.input,
                slug: entry.slug,
                revision: entry.revision,
                createdAt: entry.createdAt,
                updatedAt: entry.updatedAt,
                db
            )
        }
        return ids
    }

    /// `first → [second]` for two-column rows, in row order.
    private static func grouped(_ db: Database, _ sql: String) throws -> [Int64: [Int64]] {
        var groups: [Int64: [Int64]] = [:]
        for row in try Row.fetchAll(db, sql: sql) {
            groups[row[0], default: []].append(row[1])
        }
        return groups
    }
}
