import GRDB
import MastheadDomain
import MastheadStorage

extension SQLiteArticleStore {
    public func create(_ input: ArticleInput, by actor: TokenInfo?) async throws -> Article {
        let now = clock.now
        let body = PreparedBody(markdown: input.bodyMarkdown, html: true)
        let (token, revisionsKept) = (actor, revisionsKept)
        var article = try await database.write { db in
            let (authorID, tagIDs) = try Self.references(of: input, db)
            let slug = try WriteSupport.slug(
                for: input.slug,
                current: nil,
                table: "articles",
                resource: .article,
                excludingID: nil,
                db
            )
            var record = ArticleRecord(
                slug: slug,
                title: "",
                excerpt: "",
                status: "",
                featured: false,
                authorId: authorID,
                wordCount: 0,
                readingTimeMinutes: 1,
                createdAt: now,
                updatedAt: now
            )
            record.apply(input, body: body, now: now)
            try record.insert(db)
            try body.record.save(for: record.id!, db)
            try SQLiteSearchIndex.update(article: record.id!, at: now, db)
            try Self.claim(slug: slug, db)
            try Self.setTags(tagIDs, of: record.id!, db)
            try Self.keepRevision(
                try ArticleSnapshot(input, slug: slug, publishedAt: record.publishedAt),
                number: record.revision,
                of: record.id!,
                at: now,
                by: token,
                keeping: revisionsKept,
                db
            )
            try SQLiteOutbox.record(
                ContentEvent.articleWrite(slug: slug, previousSlug: nil, before: nil, after: record.state, now: now),
                now: now,
                db
            )
            return try Self.fetchOne(db, where: "a.id = \(record.id!)", bodies: [], now: now)!
        }
        article.bodyHTML = body.html
        return article
    }

    public func replace(
        slug: Slug,
        with input: ArticleInput,
        expectedRevision: Int?,
        by actor: TokenInfo?
    ) async throws -> Article {
        let now = clock.now
        let body = PreparedBody(markdown: input.bodyMarkdown, html: true)
        let (token, revisionsKept) = (actor, revisionsKept)
        var article = try await database.write { db in
            var record = try ArticleRecord.find(slug: slug, resource: .article, db)
            let oldSlug = record.slug
            let unchanged = record
            try record.prepareReplace(
                slug: input.slug,
                expectedRevision: expectedRevision,
                resource: .article,
                now: now,
                db
            )
            let (authorID, tagIDs) = try Self.references(of: input, db)
            if record.slug != oldSlug {
                try Self.claim(slug: record.slug, db)
                try db.execute(
                    literal: """
                        INSERT OR REPLACE INTO article_redirects (old_slug, article_id, created_at)
                        VALUES (\(oldSlug), \(record.id!), \(now))
                        """
                )
            }
            try Self.keepUnrecordedRevision(of: unchanged, now: now, keeping: revisionsKept, db)
            record.authorId = authorID
            record.apply(input, body: body, now: now)
            try record.update(db)
            try body.record.save(for: record.id!, db)
            try SQLiteSearchIndex.update(article: record.id!, at: now, db)
            try Self.setTags(tagIDs, of: record.id!, db)
            try Self.keepRevision(
                try ArticleSnapshot(input, slug: record.slug, publishedAt: record.publishedAt),
                number: record.revision,
                of: record.id!,
                at: now,
                by: token,
                keeping: revisionsKept,
                db
            )
            try SQLiteOutbox.record(
                ContentEvent.articleWrite(
                    slug: record.slug,
                    previousSlug: oldSlug,
                    before: unchanged.state,
                    after: record.state,
                    now: now
                ),
                now: now,
                db
            )
            return try Self.fetchOne(db, where: "a.id = \(record.id!)", bodies: [], now: now)!
        }
        article.bodyHTML = body.html
        return article
    }

    public func delete(slug: Slug, expectedRevision: Int?, by actor: TokenInfo?) async throws {
        let now = clock.now
        try await database.write { db in
            // Tags and redirects go with it (ON DELETE CASCADE); the search index by trigger.
            try ArticleRecord.delete(slug: slug, expectedRevision: expectedRevision, resource: .article, db) {
                record in
                try SQLiteOutbox.record(
                    ContentEvent.articleWrite(
                        slug: record.slug,
                        previousSlug: nil,
                        before: record.state,
                        after: nil,
                        now: now
                    ),
                    now: now,
                    db
                )
            }
        }
    }

    /// The author's and tags' ids; every slug that does not exist is reported at once.
    private static func references(of input: ArticleInput, _ db: Database) throws -> (Int64, [Int64]) {
        var missing: [MissingReference] = []
        let authorIDs = try WriteSupport.ids(
            of: [input.author],
            in: "authors",
            field: "author",
            listed: false,
            db,
            missing: &missing
        )
        let tagIDs = try WriteSupport.ids(
            of: input.tags,
            in: "tags",
            field: "tags",
            listed: true,
            db,
            missing: &missing
        )
        guard missing.isEmpty, let authorID = authorIDs.first else {
            throw StoreError.missingReferences(missing)
        }
        return (authorID, tagIDs)
    }

    /// A slug an article now uses stops redirecting to whichever article used to have it.
    private static func claim(slug: String, _ db: Database) throws {
        try db.cachedStatement(sql: "DELETE FROM article_redirects WHERE old_slug = ?").execute(arguments: [slug])
    }

    private static func setTags(_ tagIDs: [Int64], of articleID: Int64, _ db: Database) throws {
        try db.cachedStatement(sql: "DELETE FROM article_tags WHERE article_id = ?").execute(arguments: [articleID])
        for (position, tagID) in tagIDs.enumerated() {
            try ArticleTagRecord(articleId: articleID, tagId: tagID, position: position).insert(db)
        }
    }
}

extension ArticleRecord {
    /// What its events are judged by: published as stored, and when.
    package var state: ContentEvent.ArticleState {
        ContentEvent.ArticleState(published: status == "published", at: publishedAt)
    }

    /// Every writable field from `input`, with `body` prepared from its Markdown; publishing
    /// without a time publishes now.
    package mutating func apply(_ input: ArticleInput, body: PreparedBody, now: Timestamp) {
        title = input.title
        customExcerpt = input.customExcerpt
        status = input.status.rawValue
        publishedAt = ArticleFields(input, fallbackExcerpt: body.fallbackExcerpt, now: now).publishedAt
        featured = input.featured
        details = input.details
        setBody(body)
    }
}
