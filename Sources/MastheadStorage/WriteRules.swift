import Foundation
import MastheadDomain

/// The rules every engine's writes follow, stated once: revisions and slugs.
package enum WriteRevision {
    /// The next write's revision, after checking that nobody wrote since `expected`.
    package static func next(current: Int, expected: Int?) throws -> Int {
        if let expected, expected != current { throw StoreError.revisionChanged }
        return try StoredNumbers.add(current, 1, within: StoredNumbers.revisions, "revision")
    }
}

package enum SlugRules {
    /// A slug the client chose is taken: a 409.
    package static func taken(_ slug: String, resource: ResourceKind) -> StoreError {
        .conflict(code: "slug_taken", detail: "Another \(resource) already has the slug '\(slug)'; choose another.")
    }

    /// No numbered variant of a derived slug is free.
    package static let exhausted = StoreError.conflict(
        code: "slug_taken",
        detail: "No free slug could be made from the title; give a slug."
    )

    /// What a derived slug becomes when it is taken, in the order tried: `slug-2` … `slug-10000`,
    /// each cut to fit the longest slug.
    package static func numbered(_ slug: Slug) -> some Sequence<String> {
        (2...10_000).lazy.map { number in
            let suffix = "-\(number)"
            let base = String(slug.value.prefix(Slug.maximumLength - suffix.count))
            return (base.hasSuffix("-") ? String(base.dropLast()) : base) + suffix
        }
    }
}

/// An article body made ready to store before any transaction: rendering is most of what a
/// write costs and needs nothing from the database, so it runs on the request's own task,
/// and the transaction (which every write waits for in turn) only checks and stores.
package struct ArticleText: Sendable {
    package let markdown: String
    package let rendered: RenderedBody

    package init(markdown: String, html: Bool = false) {
        self.markdown = markdown
        self.rendered = MarkdownRenderer.render(markdown, html: html)
    }

    /// The bodies of `markdowns`, in their order, prepared on every core (an import's many).
    package static func preparing(_ markdowns: [String]) async -> [ArticleText] {
        await preparing(markdowns) { ArticleText(markdown: $0) }
    }

    /// `make` of each of `markdowns`, in their order, on every core.
    package static func preparing<Prepared: Sendable>(
        _ markdowns: [String],
        _ make: @escaping @Sendable (String) -> Prepared
    ) async -> [Prepared] {
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, markdowns.count / 16))
        let share = (markdowns.count + workers - 1) / workers
        return await withTaskGroup(of: (Int, [Prepared]).self) { group in
            for worker in 0..<workers {
                let part = markdowns[min(worker * share, markdowns.count)..<min((worker + 1) * share, markdowns.count)]
                group.addTask { (worker, part.map(make)) }
            }
            var parts = [[Prepared]](repeating: [], count: workers)
            for await (worker, prepared) in group { parts[worker] = prepared }
            return parts.flatMap { $0 }
        }
    }

    package var plaintext: String { rendered.plaintext }
    package var wordCount: Int { rendered.wordCount }
    package var readingTimeMinutes: Int { rendered.readingTimeMinutes }
    package var fallbackExcerpt: String { rendered.fallbackExcerpt }
    /// The body's HTML, when asked for: the answer to the write that stores it.
    package var html: String? { rendered.html }
}

/// What an article write stores besides the input's own fields, by the same rules on every
/// engine: publishing without a time publishes now; without an excerpt, the body's first words.
package struct ArticleFields {
    package let excerpt: String
    package let publishedAt: Timestamp?

    package init(_ input: ArticleInput, fallbackExcerpt: String, now: Timestamp) {
        excerpt = input.customExcerpt ?? fallbackExcerpt
        publishedAt = input.publishedAt ?? (input.status == .published ? now : nil)
    }
}

/// How related articles are scored, on every engine.
package enum RelatedScoring {
    /// Same-author and recency bonuses are small next to a shared tag (whose weight is at
    /// least ln 2 ≈ 0.69): they order articles that share as much, they do not outrank sharing.
    package static let sameAuthorBonus = 0.5
    package static let recencyBonus = 0.25
    package static let recencyScaleDays = 30.0
    /// The newest articles of each shared tag considered, at most: every article sharing a
    /// rarer tag is, and a very common tag cannot make the scoring read half the catalogue.
    package static let candidatesPerTag = 500

    /// A tag's weight: rarer tags say more.
    package static func weight(published: Int, tagged: Int) -> Double {
        log(1 + Double(published) / Double(max(1, tagged)))
    }

    /// An article found by its words rather than its tags scores below any shared tag.
    package static func textScore(relevance: Double) -> Double {
        0.5 * relevance / (1 + relevance)
    }
}
