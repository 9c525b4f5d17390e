import Foundation
import GRDB

/// All of a publication's content as one portable JSON document, for moving it between
/// instances: `masthead export` writes it, `masthead import` reads it. API tokens are not
/// content and are never included. Resources refer to each other by slug, not by id, so a
/// document reads on its own and imports into any empty database; computed fields (HTML,
/// plaintext, word counts, the search index) are made again on import.
public struct ContentExport: Codable, Sendable, Equatable {
    public static let formatName = "masthead-content"
    public static let currentVersion = 1

    public var format: String
    public var version: Int
    public var site: SiteExport?
    public var authors: [AuthorExport]
    public var tags: [TagExport]
    public var articles: [ArticleExport]
    public var platforms: [PlatformExport]
    public var services: [ServiceExport]

    /// The document's JSON: keys sorted, indented, so the same content always makes the
    /// same bytes (an export → import → export round trip is byte-identical).
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self) + Data("\n".utf8)
    }

    /// Parses a document; `ImportFailure` says what is wrong with one that does not parse.
    public static func decode(_ data: Data) throws(ImportFailure) -> ContentExport {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            return try decoder.decode(ContentExport.self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw ImportFailure(problems: ["\(Self.path(context.codingPath + [key])): required, and missing"])
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw ImportFailure(problems: ["\(Self.path(context.codingPath)): \(context.debugDescription)"])
        } catch let DecodingError.dataCorrupted(context) {
            throw ImportFailure(problems: ["\(Self.path(context.codingPath)): \(context.debugDescription)"])
        } catch {
            throw ImportFailure(problems: ["not a Masthead export document"])
        }
    }

    /// The JSON pointer (RFC 6901) of a place in the document: `/articles/3/published_at`.
    static func path(_ keys: [any CodingKey]) -> String {
        let path = keys.map { key in
            "/"
                + (key.intValue.map(String.init) ?? key.stringValue.snakeCased)
                .replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
        }.joined()
        return path.isEmpty ? "/" : path
    }
}

public struct SiteExport: Codable, Sendable, Equatable {
    public var title: String
    public var description: String
    public var url: String
    public var locale: String
    public var timezone: String
    public var revision: Int
    public var updatedAt: Timestamp
}

public struct AuthorExport: Codable, Sendable, Equatable {
    public var slug: String
    public var name: String
    public var bio: String?
    public var avatarUrl: String?
    public var websiteUrl: String?
    public var location: String?
    public var revision: Int
    public var createdAt: Timestamp
    public var updatedAt: Timestamp
}

public struct TagExport: Codable, Sendable, Equatable {
    public var slug: String
    public var name: String
    public var description: String?
    public var revision: Int
    public var createdAt: Timestamp
    public var updatedAt: Timestamp
}

public struct ArticleExport: Codable, Sendable, Equatable {
    public var slug: String
    public var title: String
    public var customExcerpt: String?
    /// `draft` or `published` (a future `published_at` makes it scheduled).
    public var status: String
    public var featured: Bool
    public var publishedAt: Timestamp?
    /// The author's slug.
    public var author: String
    /// Tag slugs, the primary tag first.
    public var tags: [String]
    public var bodyMarkdown: String
    public var views: Int
    public var dailyViews: [DailyViewsExport]
    /// Slugs the article had before, each still answering 301.
    public var oldSlugs: [String]
    public var coverImageUrl: String?
    public var coverImageAlt: String?
    public var seoTitle: String?
    public var seoDescription: String?
    public var canonicalUrl: String?
    public var revision: Int
    public var createdAt: Timestamp
    public var updatedAt: Timestamp
}

public struct DailyViewsExport: Codable, Sendable, Equatable {
    /// `YYYY-MM-DD`, UTC.
    public var day: String
    public var views: Int
}

public struct PlatformExport: Codable, Sendable, Equatable {
    public var slug: String
    public var name: String
    public var focus: String
    public var tagline: String
    public var description: String
    public var url: String?
    public var position: Int
    /// Service slugs.
    public var services: [String]
    public var revision: Int
    public var createdAt: Timestamp
    public var updatedAt: Timestamp
}

public struct ServiceExport: Codable, Sendable, Equatable {
    public var slug: String
    public var title: String
    public var subtitle: String
    public var description: String
    public var position: Int
    public var revision: Int
    public var createdAt: Timestamp
    public var updatedAt: Timestamp
}

/// Why a document cannot be imported: one line per problem, for the operator.
public struct ImportFailure: Error, Sendable, CustomStringConvertible {
    public let problems: [String]
    public var description: String { problems.joined(separator: "\n") }
}

/// Reads and writes whole publications.
public struct SQLitePortabilityRepository: Sendable {
    let database: AppDatabase

    public init(database: AppDatabase) {
        self.database = database
    }

    /// Everything but tokens, in one read transaction, each list in id order.
    public func export() async throws -> ContentExport {
        try await database.reader.read { db in
            let authors = try AuthorRecord.order(Column("id")).fetchAll(db)
            let tags = try TagRecord.order(Column("id")).fetchAll(db)
            let services = try ServiceRecord.order(Column("id")).fetchAll(db)
            let authorSlugs = Dictionary(uniqueKeysWithValues: authors.map { ($0.id!, $0.slug) })
            let tagSlugs = Dictionary(uniqueKeysWithValues: tags.map { ($0.id!, $0.slug) })
            let serviceSlugs = Dictionary(uniqueKeysWithValues: services.map { ($0.id!, $0.slug) })
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
                        url: $0.url,
                        locale: $0.locale,
                        timezone: $0.timezone,
                        revision: $0.revision,
                        updatedAt: $0.updatedAt
                    )
                },
                authors: authors.map {
                    AuthorExport(
                        slug: $0.slug,
                        name: $0.name,
                        bio: $0.bio,
                        avatarUrl: $0.avatarUrl,
                        websiteUrl: $0.websiteUrl,
                        location: $0.location,
                        revision: $0.revision,
                        createdAt: $0.createdAt,
                        updatedAt: $0.updatedAt
                    )
                },
                tags: tags.map {
                    TagExport(
                        slug: $0.slug,
                        name: $0.name,
                        description: $0.description,
                        revision: $0.revision,
                        createdAt: $0.createdAt,
                        updatedAt: $0.updatedAt
                    )
                },
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
                        coverImageUrl: article.coverImageUrl,
                        coverImageAlt: article.coverImageAlt,
                        seoTitle: article.seoTitle,
                        seoDescription: article.seoDescription,
                        canonicalUrl: article.canonicalUrl,
                        revision: article.revision,
                        createdAt: article.createdAt,
                        updatedAt: article.updatedAt
                    )
                },
                platforms: try PlatformRecord.order(Column("id")).fetchAll(db).map { platform in
                    PlatformExport(
                        slug: platform.slug,
                        name: platform.name,
                        focus: platform.focus,
                        tagline: platform.tagline,
                        description: platform.description,
                        url: platform.url,
                        position: platform.position,
                        services: platformServices[platform.id!, default: []].map { serviceSlugs[$0]! },
                        revision: platform.revision,
                        createdAt: platform.createdAt,
                        updatedAt: platform.updatedAt
                    )
                },
                services: services.map {
                    ServiceExport(
                        slug: $0.slug,
                        title: $0.title,
                        subtitle: $0.subtitle,
                        description: $0.description,
                        position: $0.position,
                        revision: $0.revision,
                        createdAt: $0.createdAt,
                        updatedAt: $0.updatedAt
                    )
                }
            )
        }
    }

    /// Loads `document` into a database that holds no content, in one transaction: a
    /// document with any problem, or a database that is not empty, changes nothing.
    public func importContent(_ document: ContentExport) async throws {
        let problems = document.problems()
        guard problems.isEmpty else { throw ImportFailure(problems: problems) }
        let bodies = await PreparedBody.preparing(document.articles.map(\.bodyMarkdown))
        try await database.writer.write { db in
            guard try !AppDatabase.holdsContent(db) else {
                throw ImportFailure(problems: ["the database already holds content; import into an empty database"])
            }
            if let site = document.site {
                var record = SiteRecord(
                    title: site.title,
                    description: site.description,
                    url: site.url,
                    locale: site.locale,
                    timezone: site.timezone,
                    revision: site.revision,
                    updatedAt: site.updatedAt
                )
                try record.upsert(db)
            }
            let authorIDs = try Self.insert(
                document.authors.map { author in
                    AuthorRecord(
                        slug: author.slug,
                        name: author.name,
                        bio: author.bio,
                        avatarUrl: author.avatarUrl,
                        websiteUrl: author.websiteUrl,
                        location: author.location,
                        revision: author.revision,
                        createdAt: author.createdAt,
                        updatedAt: author.updatedAt
                    )
                },
                db
            )
            let tagIDs = try Self.insert(
                document.tags.map { tag in
                    TagRecord(
                        slug: tag.slug,
                        name: tag.name,
                        description: tag.description,
                        revision: tag.revision,
                        createdAt: tag.createdAt,
                        updatedAt: tag.updatedAt
                    )
                },
                db
            )
            let serviceIDs = try Self.insert(
                document.services.map { service in
                    ServiceRecord(
                        slug: service.slug,
                        title: service.title,
                        subtitle: service.subtitle,
                        description: service.description,
                        position: service.position,
                        revision: service.revision,
                        createdAt: service.createdAt,
                        updatedAt: service.updatedAt
                    )
                },
                db
            )
            for platform in document.platforms {
                var record = PlatformRecord(
                    slug: platform.slug,
                    name: platform.name,
                    focus: platform.focus,
                    tagline: platform.tagline,
                    description: platform.description,
                    url: platform.url,
                    position: platform.position,
                    revision: platform.revision,
                    createdAt: platform.createdAt,
                    updatedAt: platform.updatedAt
                )
                try record.insert(db)
                for slug in platform.services {
                    try PlatformServiceRecord(platformId: record.id!, serviceId: serviceIDs[slug]!).insert(db)
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
                    coverImageUrl: article.coverImageUrl,
                    coverImageAlt: article.coverImageAlt,
                    seoTitle: article.seoTitle,
                    seoDescription: article.seoDescription,
                    canonicalUrl: article.canonicalUrl,
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
        }
    }

    /// Inserts `records` in order; returns their ids by slug.
    private static func insert<Record: SluggedRecord>(_ records: [Record], _ db: Database) throws -> [String: Int64] {
        var ids: [String: Int64] = [:]
        for var record in records {
            try record.insert(db)
            ids[record.slug] = record.id!
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

extension ContentExport {
    /// Every reason the document cannot be imported that lies between records (repeated
    /// slugs, references to records it lacks, view counts), one line each, each naming its
    /// place by JSON pointer; empty when there is none. Each record's own fields are checked
    /// by the API's rules (`ContentImport`).
    func problems() -> [String] {
        var problems: [String] = []
        if format != Self.formatName { problems.append("/format: expected '\(Self.formatName)'") }
        if version != Self.currentVersion { problems.append("/version: expected \(Self.currentVersion)") }
        /// Checks that no slug is repeated; returns the slugs.
        func check(_ items: [String], _ collection: String) -> Set<String> {
            var seen: Set<String> = []
            for (index, item) in items.enumerated() {
                if !seen.insert(item).inserted {
                    problems.append("/\(collection)/\(index)/slug: '\(item)' appears twice")
                }
            }
            return seen
        }
        let authorSlugs = check(authors.map(\.slug), "authors")
        let tagSlugs = check(tags.map(\.slug), "tags")
        let serviceSlugs = check(services.map(\.slug), "services")
        _ = check(platforms.map(\.slug), "platforms")
        var articleSlugs = check(articles.map(\.slug), "articles")
        for (index, platform) in platforms.enumerated() {
            for slug in platform.services where !serviceSlugs.contains(slug) {
                problems.append("/platforms/\(index)/services: no service '\(slug)' in the document")
            }
        }
        for (index, article) in articles.enumerated() {
            let path = "/articles/\(index)"
            if !["draft", "published"].contains(article.status) {
                problems.append("\(path)/status: expected draft or published")
            } else if article.status == "published" && article.publishedAt == nil {
                problems.append("\(path)/published_at: a published article needs one")
            }
            if !authorSlugs.contains(article.author) {
                problems.append("\(path)/author: no author '\(article.author)' in the document")
            }
            for slug in article.tags where !tagSlugs.contains(slug) {
                problems.append("\(path)/tags: no tag '\(slug)' in the document")
            }
            if Set(article.tags).count != article.tags.count { problems.append("\(path)/tags: a tag appears twice") }
            if article.views < 0 { problems.append("\(path)/views: must not be negative") }
            for bucket in article.dailyViews
            where bucket.views <= 0 || bucket.day.wholeMatch(of: #/[0-9]{4}-[0-9]{2}-[0-9]{2}/#) == nil {
                problems.append(
                    "\(path)/daily_views: '\(bucket.day)' \(bucket.views) is not a day and a positive count"
                )
            }
            for slug in article.oldSlugs {
                if Slug(parsing: slug) == nil || !articleSlugs.insert(slug).inserted {
                    problems.append("\(path)/old_slugs: '\(slug)' is not a slug, or names another article")
                }
            }
        }
        return problems
    }
}

extension String {
    /// `publishedAt` → `published_at`, as the document spells its keys; snake case stays.
    fileprivate var snakeCased: String {
        var result = ""
        for character in self {
            if character.isUppercase {
                result += "_" + character.lowercased()
            } else {
                result.append(character)
            }
        }
        return result
    }
}
