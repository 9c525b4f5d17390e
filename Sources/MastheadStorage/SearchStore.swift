import MastheadDomain

/// The kinds of content search covers.
public enum SearchKind: String, Sendable, CaseIterable {
    case article, author, tag, platform, service
}

public struct SearchHit: Sendable, Equatable {
    public let kind: SearchKind
    public let slug: String
    public let title: String
    /// Plain text around the matches; each match is between `SearchHit.markStart` and
    /// `SearchHit.markEnd`, for the HTTP layer to turn into safe HTML.
    public let snippet: String
    /// Higher is better (BM25, sign flipped).
    public let score: Double

    /// Private-use characters that cannot come from the indexed text's meaning.
    public static let markStart = "\u{E000}"
    public static let markEnd = "\u{E001}"

    package init(kind: SearchKind, slug: String, title: String, snippet: String, score: Double) {
        self.kind = kind
        self.slug = slug
        self.title = title
        self.snippet = snippet
        self.score = score
    }
}

/// Full-text search over every kind of content, ranked.
public protocol SearchStore: Sendable {
    /// Ranked hits of the kinds asked for; drafts and scheduled articles are never found.
    func search(_ query: SearchQuery, kinds: Set<SearchKind>, page: PageRequest) async throws -> Page<SearchHit>
}
