import Foundation
import MastheadDomain

/// Whole publications in and out, as one `ContentExport` document: the way content moves
/// between instances and between storage engines.
public protocol PortabilityStore: Sendable {
    /// Everything but tokens, as of one moment, each list in id order.
    func export() async throws -> ContentExport
    /// Loads a document into an empty publication in one transaction: all of it or nothing.
    func importContent(_ document: ContentExport) async throws
}

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
    /// Each described kind's entries (`DescribedInput`), under its table's name; absent when
    /// there are none, as in every document made before there were such kinds.
    package var described: [String: [DescribedExport]]?

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
    package static func path(_ keys: [any CodingKey]) -> String {
        let path = keys.map { key in
            "/"
                + (key.intValue.map(String.init) ?? key.stringValue.snakeCased)
                .replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
        }.joined()
        return path.isEmpty ? "/" : path
    }

    package init(
        format: String,
        version: Int,
        site: SiteExport? = nil,
        authors: [AuthorExport],
        tags: [TagExport],
        articles: [ArticleExport],
        platforms: [PlatformExport],
        services: [ServiceExport],
        described: [String: [DescribedExport]]? = nil
    ) {
        self.format = format
        self.version = version
        self.site = site
        self.authors = authors
        self.tags = tags
        self.articles = articles
        self.platforms = platforms
        self.services = services
        self.described = described
    }
}

public struct SiteExport: Codable, Sendable, Equatable {
    public var title: String
    public var description: String
    /// Absent from exports made before sites had one: read as empty.
    public var tagline: String
    public var url: String
    public var locale: String
    public var timezone: String
    public var revision: Int
    public var updatedAt: Timestamp

    package init(
        title: String,
        description: String,
        tagline: String,
        url: String,
        locale: String,
        timezone: String,
        revision: Int,
        updatedAt: Timestamp
    ) {
        self.title = title
        self.description = description
        self.tagline = tagline
        self.url = url
        self.locale = locale
        self.timezone = timezone
        self.revision = revision
        self.updatedAt = updatedAt
    }
}

/// An export document's entry for a slugged kind: the stored resource's slug, revision and
/// times, and its input's fields (`SluggedKind`). Both engines export and import these kinds
/// through it, so a field of such a kind is written down here and in its description only.
package protocol SluggedExport {
    associatedtype Input: SluggedInput
    init(_ stored: StoredIdentity, _ input: Input)
    var slug: String { get }
    var revision: Int { get }
    var createdAt: Timestamp { get }
    var updatedAt: Timestamp { get }
    /// The fields an import writes, without links to other resources.
    var input: Input { get }
}

/// An export entry of a kind that is a name and details (authors, tags).
public typealias AuthorExport = NamedExport<AuthorInput>
public typealias TagExport = NamedExport<TagInput>

/// The input of a slugged kind that is a name and its details.
public protocol NamedInput: SluggedInput, Equatable {
    associatedtype Extra: Details
    var name: String { get }
    var details: Extra { get }
    init(slug: SlugChoice, name: String, details: Extra)
}

extension AuthorInput: NamedInput {}
extension TagInput: NamedInput {}

/// The export entry of a `NamedInput` kind: its slug, name, details (beside the other keys,
/// under the API's names), revision and times.
public struct NamedExport<Input: NamedInput>: Codable, Sendable, Equatable {
    public var slug: String
    public var name: String
    public var details: Input.Extra
    public var revision: Int
    public var createdAt: Timestamp
    public var updatedAt: Timestamp

    package init(
        slug: String,
        name: String,
        details: Input.Extra = Input.Extra(),
        revision: Int,
        createdAt: Timestamp,
        updatedAt: Timestamp
    ) {
        self.slug = slug
        self.name = name
        self.details = details
        self.revision = revision
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// Named for the document's snake case conversion.
    private enum CodingKeys: String, CodingKey {
        case slug, name, revision, createdAt, updatedAt
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        slug = try container.decode(String.self, forKey: .slug)
        name = try container.decode(String.self, forKey: .name)
        details = try Input.Extra(from: decoder, keys: .forSnakeCaseConversion)
        revision = try container.decode(Int.self, forKey: .revision)
        createdAt = try container.decode(Timestamp.self, forKey: .createdAt)
        updatedAt = try container.decode(Timestamp.self, forKey: .updatedAt)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(slug, forKey: .slug)
        try container.encode(name, forKey: .name)
        try details.encode(to: encoder, keys: .forSnakeCaseConversion)
        try container.encode(revision, forKey: .revision)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(updatedAt, forKey: .updatedAt)
    }
}

extension NamedExport: SluggedExport {
    package init(_ stored: StoredIdentity, _ input: Input) {
        self.init(
            slug: stored.slug,
            name: input.name,
            details: input.details,
            revision: stored.revision,
            createdAt: stored.createdAt,
            updatedAt: stored.updatedAt
        )
    }

    package var input: Input { Input(slug: .keep, name: name, details: details) }
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
    /// Beside the other keys, under the API's names.
    public var details: ArticleDetails
    public var revision: Int
    public var createdAt: Timestamp
    public var updatedAt: Timestamp

    package init(
        slug: String,
        title: String,
        customExcerpt: String? = nil,
        status: String,
        featured: Bool,
        publishedAt: Timestamp? = nil,
        author: String,
        tags: [String],
        bodyMarkdown: String,
        views: Int,
        dailyViews: [DailyViewsExport],
        oldSlugs: [String],
        details: ArticleDetails = ArticleDetails(),
        revision: Int,
        createdAt: Timestamp,
        updatedAt: Timestamp
    ) {
        self.slug = slug
        self.title = title
        self.customExcerpt = customExcerpt
        self.status = status
        self.featured = featured
        self.publishedAt = publishedAt
        self.author = author
        self.tags = tags
        self.bodyMarkdown = bodyMarkdown
        self.views = views
        self.dailyViews = dailyViews
        self.oldSlugs = oldSlugs
        self.details = details
        self.revision = revision
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// Named for the document's snake case conversion (`dailyViews` is `daily_views`).
    private enum CodingKeys: String, CodingKey {
        case slug, title, customExcerpt, status, featured, publishedAt, author, tags, bodyMarkdown, views
        case dailyViews, oldSlugs, revision, createdAt, updatedAt
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        slug = try container.decode(String.self, forKey: .slug)
        title = try container.decode(String.self, forKey: .title)
        customExcerpt = try container.decodeIfPresent(String.self, forKey: .customExcerpt)
        status = try container.decode(String.self, forKey: .status)
        featured = try container.decode(Bool.self, forKey: .featured)
        publishedAt = try container.decodeIfPresent(Timestamp.self, forKey: .publishedAt)
        author = try container.decode(String.self, forKey: .author)
        tags = try container.decode([String].self, forKey: .tags)
        bodyMarkdown = try container.decode(String.self, forKey: .bodyMarkdown)
        views = try container.decode(Int.self, forKey: .views)
        dailyViews = try container.decode([DailyViewsExport].self, forKey: .dailyViews)
        oldSlugs = try container.decode([String].self, forKey: .oldSlugs)
        details = try ArticleDetails(from: decoder, keys: .forSnakeCaseConversion)
        revision = try container.decode(Int.self, forKey: .revision)
        createdAt = try container.decode(Timestamp.self, forKey: .createdAt)
        updatedAt = try container.decode(Timestamp.self, forKey: .updatedAt)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(slug, forKey: .slug)
        try container.encode(title, forKey: .title)
        try container.encodeIfPresent(customExcerpt, forKey: .customExcerpt)
        try container.encode(status, forKey: .status)
        try container.encode(featured, forKey: .featured)
        try container.encodeIfPresent(publishedAt, forKey: .publishedAt)
        try container.encode(author, forKey: .author)
        try container.encode(tags, forKey: .tags)
        try container.encode(bodyMarkdown, forKey: .bodyMarkdown)
        try container.encode(views, forKey: .views)
        try container.encode(dailyViews, forKey: .dailyViews)
        try container.encode(oldSlugs, forKey: .oldSlugs)
        try details.encode(to: encoder, keys: .forSnakeCaseConversion)
        try container.encode(revision, forKey: .revision)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(updatedAt, forKey: .updatedAt)
    }
}

public struct DailyViewsExport: Codable, Sendable, Equatable {
    /// `YYYY-MM-DD`, UTC.
    public var day: String
    public var views: Int

    package init(day: String, views: Int) {
        self.day = day
        self.views = views
    }
}

public struct PlatformExport: Codable, Sendable, Equatable {
    public var slug: String
    public var name: String
    public var focus: String
    public var tagline: String
    public var description: String
    /// Beside the other keys, under the API's names.
    public var details: PlatformDetails
    public var position: Int
    /// Service slugs.
    public var services: [String]
    public var revision: Int
    public var createdAt: Timestamp
    public var updatedAt: Timestamp

    package init(
        slug: String,
        name: String,
        focus: String,
        tagline: String,
        description: String,
        details: PlatformDetails = PlatformDetails(),
        position: Int,
        services: [String],
        revision: Int,
        createdAt: Timestamp,
        updatedAt: Timestamp
    ) {
        self.slug = slug
        self.name = name
        self.focus = focus
        self.tagline = tagline
        self.description = description
        self.details = details
        self.position = position
        self.services = services
        self.revision = revision
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// Named for the document's snake case conversion.
    private enum CodingKeys: String, CodingKey {
        case slug, name, focus, tagline, description, position, services, revision, createdAt, updatedAt
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        slug = try container.decode(String.self, forKey: .slug)
        name = try container.decode(String.self, forKey: .name)
        focus = try container.decode(String.self, forKey: .focus)
        tagline = try container.decode(String.self, forKey: .tagline)
        description = try container.decode(String.self, forKey: .description)
        details = try PlatformDetails(from: decoder, keys: .forSnakeCaseConversion)
        position = try container.decode(Int.self, forKey: .position)
        services = try container.decode([String].self, forKey: .services)
        revision = try container.decode(Int.self, forKey: .revision)
        createdAt = try container.decode(Timestamp.self, forKey: .createdAt)
        updatedAt = try container.decode(Timestamp.self, forKey: .updatedAt)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(slug, forKey: .slug)
        try container.encode(name, forKey: .name)
        try container.encode(focus, forKey: .focus)
        try container.encode(tagline, forKey: .tagline)
        try container.encode(description, forKey: .description)
        try details.encode(to: encoder, keys: .forSnakeCaseConversion)
        try container.encode(position, forKey: .position)
        try container.encode(services, forKey: .services)
        try container.encode(revision, forKey: .revision)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(updatedAt, forKey: .updatedAt)
    }
}

extension PlatformExport: SluggedExport {
    /// Its services are read apart (`platform_services`).
    package init(_ stored: StoredIdentity, _ input: PlatformInput) {
        self.init(
            slug: stored.slug,
            name: input.name,
            focus: input.focus,
            tagline: input.tagline,
            description: input.description,
            details: input.details,
            position: input.position ?? 0,
            services: [],
            revision: stored.revision,
            createdAt: stored.createdAt,
            updatedAt: stored.updatedAt
        )
    }

    /// Without its services, which are linked once every service is in.
    package var input: PlatformInput {
        PlatformInput(
            slug: .keep,
            name: name,
            focus: focus,
            tagline: tagline,
            description: description,
            details: details,
            position: position,
            services: []
        )
    }
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

    package init(
        slug: String,
        title: String,
        subtitle: String,
        description: String,
        position: Int,
        revision: Int,
        createdAt: Timestamp,
        updatedAt: Timestamp
    ) {
        self.slug = slug
        self.title = title
        self.subtitle = subtitle
        self.description = description
        self.position = position
        self.revision = revision
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

extension ServiceExport: SluggedExport {
    package init(_ stored: StoredIdentity, _ input: ServiceInput) {
        self.init(
            slug: stored.slug,
            title: input.title,
            subtitle: input.subtitle,
            description: input.description,
            position: input.position ?? 0,
            revision: stored.revision,
            createdAt: stored.createdAt,
            updatedAt: stored.updatedAt
        )
    }

    package var input: ServiceInput {
        ServiceInput(
            slug: .keep,
            title: title,
            subtitle: subtitle,
            description: description,
            position: position,
            platforms: []
        )
    }
}

/// Why a document cannot be imported: one line per problem, for the operator.
public struct ImportFailure: Error, Sendable, CustomStringConvertible, Equatable {
    public let problems: [String]

    /// Every engine refuses to import into a publication that has content.
    public static let notEmpty = ImportFailure(
        problems: ["the database already holds content; import into an empty database"]
    )
    public var description: String { problems.joined(separator: "\n") }

    package init(problems: [String]) {
        self.problems = problems
    }
}

extension ContentExport {
    /// Every reason the document cannot be imported that lies between records (repeated
    /// slugs, references to records it lacks, view counts), one line each, each naming its
    /// place by JSON pointer; empty when there is none. Each record's own fields are checked
    /// by the API's rules (`ContentImport`).
    package func problems() -> [String] {
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
            if !StoredNumbers.views.contains(article.views) {
                problems.append("\(path)/views: must be from 0 to \(StoredNumbers.views.upperBound)")
            }
            var days: Set<String> = []
            var dailyTotal = 0
            for (dayIndex, bucket) in article.dailyViews.enumerated() {
                let place = "\(path)/daily_views/\(dayIndex)"
                if Timestamp(rfc3339: bucket.day) == nil || bucket.day.utf8.count != 10 {
                    problems.append("\(place)/day: '\(bucket.day)' is not a day (YYYY-MM-DD)")
                } else if !days.insert(bucket.day).inserted {
                    problems.append("\(place)/day: '\(bucket.day)' appears twice")
                }
                // Each day at least one view; all of them together within the range of one count.
                let (sum, overflow) = dailyTotal.addingReportingOverflow(bucket.views)
                if bucket.views < 1 || overflow || !StoredNumbers.views.contains(sum) {
                    problems.append(
                        "\(place)/views: must be at least 1, and the days' views together at most "
                            + "\(StoredNumbers.views.upperBound)"
                    )
                    break
                }
                dailyTotal = sum
            }
            for slug in article.oldSlugs {
                if Slug(parsing: slug) == nil || !articleSlugs.insert(slug).inserted {
                    problems.append("\(path)/old_slugs: '\(slug)' is not a slug, or names another article")
                }
            }
        }
        checkRevisions(&problems)
        return problems
    }

    /// Every record's revision within `StoredNumbers.revisions`, so that the next write can
    /// count on from it.
    private func checkRevisions(_ problems: inout [String]) {
        func check(_ revisions: [Int], _ collection: String) {
            for (index, revision) in revisions.enumerated() where !StoredNumbers.revisions.contains(revision) {
                problems.append(
                    "/\(collection)/\(index)/revision: must be from 1 to \(StoredNumbers.revisions.upperBound)"
                )
            }
        }
        if let site, !StoredNumbers.revisions.contains(site.revision) {
            problems.append("/site/revision: must be from 1 to \(StoredNumbers.revisions.upperBound)")
        }
        check(authors.map(\.revision), "authors")
        check(tags.map(\.revision), "tags")
        check(articles.map(\.revision), "articles")
        check(platforms.map(\.revision), "platforms")
        check(services.map(\.revision), "services")
    }
}

extension String {
    /// `publishedAt` → `published_at`, as the document spells its keys; snake case stays.
    package var snakeCased: String {
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

extension SiteExport {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        title = try container.decode(String.self, forKey: .title)
        description = try container.decode(String.self, forKey: .description)
        tagline = try container.decodeIfPresent(String.self, forKey: .tagline) ?? ""
        url = try container.decode(String.self, forKey: .url)
        locale = try container.decode(String.self, forKey: .locale)
        timezone = try container.decode(String.self, forKey: .timezone)
        revision = try container.decode(Int.self, forKey: .revision)
        updatedAt = try container.decode(Timestamp.self, forKey: .updatedAt)
    }
}
