import MastheadDomain

/// Where the view counter writes: the narrow side of `ViewStore`, so the counter can be
/// tested against a store that fails.
public protocol ViewSink: Sendable {
    /// Adds the counts to each article's total and to its per-day counts, in one transaction.
    func add(_ counts: [ViewCounter.Bucket: Int]) async throws
}

/// Page views: counted totals and per-day counts, and what is popular by them.
public protocol ViewStore: ViewSink {
    /// The id of the article with `slug`, if the public can see it.
    func viewable(slug: Slug) async throws -> Int64?
    func storedViews(of articleID: Int64) async throws -> Int
    /// Published articles with views in the window, most viewed first, ties newest first.
    func popular(window: PopularWindow, limit: Int) async throws -> [PopularArticle]
}

/// A time window for popularity. Views are counted per UTC day, so a window covers every
/// day it overlaps: `24h` is today and yesterday, `7d` today and the seven days before.
public enum PopularWindow: String, Sendable, CaseIterable {
    case day = "24h"
    case week = "7d"
    case month = "30d"
    case all

    package var seconds: Int64? {
        switch self {
        case .day: 86_400
        case .week: 7 * 86_400
        case .month: 30 * 86_400
        case .all: nil
        }
    }
}

public struct PopularArticle: Sendable {
    public let article: Article
    public let viewsInWindow: Int

    package init(article: Article, viewsInWindow: Int) {
        self.article = article
        self.viewsInWindow = viewsInWindow
    }
}
