import GRDB
import MastheadDomain
import MastheadStorage

/// The demo publication: the Signal blog and the product catalog, compiled into the binary
/// so that `masthead serve --demo` works from any directory.
public enum DemoContent {
    package struct DemoAuthor {
        package let slug: String
        package let name: String
        package let bio: String
        package let location: String
        package let websiteURL: String?
    }

    package struct DemoTag {
        package let slug: String
        package let name: String
        package let description: String
    }

    package enum Publication {
        /// Published this many days before the content was loaded.
        case published(daysAgo: Int)
        /// Due this many days after the content was loaded.
        case scheduled(daysAhead: Int)
        case draft
    }

    package struct DemoArticle {
        package let slug: String
        package let title: String
        package let author: String
        package let tags: [String]
        package let publication: Publication
        package var featured = false
        package var excerpt: String? = nil
        package let body: String
    }

    package struct DemoPlatform {
        package let slug: String
        package let name: String
        package let focus: String
        package let tagline: String
        package let description: String
    }

    package struct DemoService {
        package let slug: String
        package let title: String
        package let subtitle: String
        package let description: String
        /// Slugs of the platforms that deliver it.
        package let platforms: [String]
    }

    /// Loads the demo publication in one transaction, unless the database already holds
    /// content (any author, tag, article, platform or service). Returns whether it loaded.
    /// Dates are relative to `now`, so the demo always has recent articles and one still to come.
    public static func load(into database: AppDatabase, now: Timestamp) async throws -> Bool {
        try await database.writer.write { db in
            guard try !AppDatabase.holdsContent(db) else { return false }
            try insertAll(db, now: now)
            try SQLiteSearchIndex.indexDue(at: now, db)
            return true
        }
    }

    private static func insertAll(_ db: Database, now: Timestamp) throws {
        let created = now
        try SiteRecord(
            title: site.title,
            description: site.description,
            tagline: site.tagline,
            url: site.url,
            locale: site.locale,
            timezone: site.timezone,
            updatedAt: created
        ).update(db)

        var authorIDs: [String: Int64] = [:]
        for author in authors {
            authorIDs[author.slug] = try SluggedKinds.authors.insert(
                AuthorInput(
                    slug: .keep,
                    name: author.name,
                    details: AuthorDetails(bio: author.bio, websiteURL: author.websiteURL, location: author.location)
                ),
                slug: author.slug,
                createdAt: created,
                updatedAt: created,
                db
            )
        }

        var tagIDs: [String: Int64] = [:]
        for tag in tags {
            tagIDs[tag.slug] = try SluggedKinds.tags.insert(
                TagInput(slug: .keep, name: tag.name, details: TagDetails(description: tag.description)),
                slug: tag.slug,
                createdAt: created,
                updatedAt: created,
                db
            )
        }

        // On the hour, so that the demo's dates read naturally.
        let hour = Timestamp(secondsSinceEpoch: now.secondsSinceEpoch / 3600 * 3600)
        for article in articles {
            let (status, publishedAt): (String, Timestamp?) =
                switch article.publication {
                case .published(let days): ("published", hour.adding(days: -Int64(days)))
                case .scheduled(let days): ("published", hour.adding(days: Int64(days)))
                case .draft: ("draft", nil)
                }
            let written = publishedAt.map { min($0, now) } ?? now
            var record = ArticleRecord(
                slug: article.slug,
                title: article.title,
                customExcerpt: article.excerpt,
                excerpt: "",
                status: status,
                featured: article.featured,
                publishedAt: publishedAt,
                authorId: authorIDs[article.author]!,
                wordCount: 0,
                readingTimeMinutes: 1,
                createdAt: written,
                updatedAt: written
            )
            let body = record.setBody(article.body)
            try record.insert(db)
            try body.save(for: record.id!, db)
            for (position, tag) in article.tags.enumerated() {
                try ArticleTagRecord(articleId: record.id!, tagId: tagIDs[tag]!, position: position).insert(db)
            }
        }

        var platformIDs: [String: Int64] = [:]
        for (position, platform) in platforms.enumerated() {
            platformIDs[platform.slug] = try SluggedKinds.platforms.insert(
                PlatformInput(
                    slug: .keep,
                    name: platform.name,
                    focus: platform.focus,
                    tagline: platform.tagline,
                    description: platform.description,
                    details: PlatformDetails(url: "\(site.url)/platforms/\(platform.slug)"),
                    position: position + 1,
                    services: []
                ),
                slug: platform.slug,
                createdAt: created,
                updatedAt: created,
                db
            )
        }
        for (position, service) in services.enumerated() {
            let id = try SluggedKinds.services.insert(
                ServiceInput(
                    slug: .keep,
                    title: service.title,
                    subtitle: service.subtitle,
                    description: service.description,
                    position: position + 1,
                    platforms: []
                ),
                slug: service.slug,
                createdAt: created,
                updatedAt: created,
                db
            )
            for platform in service.platforms {
                try PlatformServiceRecord(platformId: platformIDs[platform]!, serviceId: id).insert(db)
            }
        }
    }
}
