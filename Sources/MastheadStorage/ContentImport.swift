import Foundation
import MastheadDomain

/// `masthead import`: a document is read, every record in it is checked with the same rules
/// the API applies to a request body (lengths, URLs, slugs, times within years 0001–9999),
/// and only a document without a single problem is loaded, in one transaction. The first
/// bad record is named by its JSON pointer (`/articles/3/canonical_url: …`); nothing changes.
public struct ContentImport: Sendable {
    package let store: any PortabilityStore
    package let clock: ContentClock

    public init(store: any PortabilityStore, clock: ContentClock = .system) {
        self.store = store
        self.clock = clock
    }

    /// Loads the document in `data`; throws `ImportFailure` naming what is wrong with it.
    @discardableResult
    public func load(_ data: Data) async throws -> ContentExport {
        let document = try ContentExport.decode(data)
        try Self.check(document, now: clock.now)
        try await store.importContent(document)
        return document
    }

    /// The API's rules for each record, then the rules between records.
    package static func check(
        _ document: ContentExport,
        now: Timestamp,
        kinds: [any DescribedInput.Type] = DescribedKinds.all
    ) throws(ImportFailure) {
        if let site = document.site {
            try Self.check(site.apiDocument, at: "/site", fields: SiteInput.fields) { SiteInput.read(from: &$0) }
        }
        for (index, author) in document.authors.enumerated() {
            try Self.check(author.apiDocument, at: "/authors/\(index)", fields: AuthorInput.fields) {
                AuthorInput.read(from: &$0, existing: false)
            }
        }
        for (index, tag) in document.tags.enumerated() {
            try Self.check(tag.apiDocument, at: "/tags/\(index)", fields: TagInput.fields) {
                TagInput.read(from: &$0, existing: false)
            }
        }
        for (index, service) in document.services.enumerated() {
            try Self.check(service.apiDocument, at: "/services/\(index)", fields: ServiceInput.fields) {
                ServiceInput.read(from: &$0, existing: false)
            }
        }
        for (index, platform) in document.platforms.enumerated() {
            try Self.check(platform.apiDocument, at: "/platforms/\(index)", fields: PlatformInput.fields) {
                PlatformInput.read(from: &$0, existing: false)
            }
        }
        for (index, article) in document.articles.enumerated() {
            try Self.check(article.apiDocument, at: "/articles/\(index)", fields: ArticleInput.fields) {
                ArticleInput.read(from: &$0, existing: false, now: now)
            }
            for (slugIndex, slug) in article.oldSlugs.enumerated() where Slug(parsing: slug) == nil {
                throw ImportFailure(problems: ["/articles/\(index)/old_slugs/\(slugIndex): '\(slug)' is not a slug"])
            }
        }
        let problems = document.problems() + document.describedProblems(kinds: kinds)
        guard problems.isEmpty else { throw ImportFailure(problems: problems) }
    }

    /// Runs `read` over one record as if it were a request body; its problems, each under
    /// the record's pointer, are the failure.
    private static func check<Input>(
        _ record: JSONObject,
        at pointer: String,
        fields: Set<String>,
        read: (inout FieldReader) -> Input?
    ) throws(ImportFailure) {
        let (_, problems) = Self.read(record, at: pointer, fields: fields, with: read)
        guard problems.isEmpty else { throw ImportFailure(problems: problems) }
    }

    /// `read` over one record as if it were a request body: the input, or the problems, each
    /// under the record's pointer.
    package static func read<Input>(
        _ record: JSONObject,
        at pointer: String,
        fields: Set<String>,
        with read: (inout FieldReader) -> Input?
    ) -> (Input?, problems: [String]) {
        var reader = FieldReader(record, writable: fields)
        let input = read(&reader)
        return (input, reader.errors.map { "\(pointer)\($0.pointer): \($0.detail)" })
    }
}

/// Each record as the API's write body for it would carry it.
extension SiteExport {
    /// A new database's placeholder site has an empty description and tagline, which the API
    /// spells by leaving them out (an empty one is refused as blank).
    fileprivate var apiDocument: JSONObject {
        var document: JSONObject = [
            "title": .string(title), "url": .string(url), "locale": .string(locale), "timezone": .string(timezone),
        ]
        document["description"] = description.isEmpty ? nil : .string(description)
        document["tagline"] = tagline.isEmpty ? nil : .string(tagline)
        return document
    }
}

extension SluggedExport where Self: Encodable {
    /// The entry's own JSON without what the store keeps by itself (its revision and times):
    /// the export's keys are the API's, so a field of these kinds is checked with no line here.
    fileprivate var apiDocument: JSONObject {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        // Strings, numbers and lists of strings always encode; an empty document would be
        // refused for its missing fields all the same.
        guard let data = try? encoder.encode(self),
            var document = try? JSONDecoder().decode(JSONObject.self, from: data)
        else { return [:] }
        for key in ["revision", "created_at", "updated_at"] { document[key] = nil }
        return document
    }
}

extension ArticleExport {
    fileprivate var apiDocument: JSONObject {
        var document: JSONObject = [
            "slug": .string(slug), "title": .string(title), "status": .string(status), "featured": .bool(featured),
            "author": .string(author), "tags": .array(tags.map(JSONValue.string)),
            "body_markdown": .string(bodyMarkdown),
        ]
        document["excerpt"] = customExcerpt.map(JSONValue.string)
        document["published_at"] = publishedAt.map { .string($0.rfc3339) }
        document.merge(details.document) { _, detail in detail }
        return document
    }
}
