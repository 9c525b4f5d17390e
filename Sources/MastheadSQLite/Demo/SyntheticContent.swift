import GRDB
import MastheadDomain
import MastheadStorage

/// A large, realistic, reproducible publication for load tests: articles of 300 to 1,500
/// words of Markdown (headings, lists, links, code), 100 authors, 300 tags whose popularity
/// falls off like Zipf's law, 3 to 6 tags per article, publication dates over five years.
/// The same `seed` always makes the same publication.
public enum SyntheticContent {
    public static let authorCount = 100
    public static let tagCount = 300

    /// Fills an empty database, `batchSize` articles per transaction; reports progress.
    public static func generate(
        into database: AppDatabase,
        articles count: Int,
        now: Timestamp,
        seed: UInt64 = 42,
        batchSize: Int = 500,
        progress: (Int) -> Void = { _ in }
    ) async throws {
        var random = SplitMix64(seed: seed)
        let created = now
        try await database.writer.write { db in
            guard try !AppDatabase.holdsContent(db) else {
                throw StoreError.conflict(code: "not_empty", detail: "The database already holds content.")
            }
            for index in 1...authorCount {
                _ = try SluggedKinds.authors.insert(
                    AuthorInput(
                        slug: .keep,
                        name: "Author \(index)",
                        details: AuthorDetails(bio: "Writes about \(Self.words[index]).")
                    ),
                    slug: "author-\(index)",
                    createdAt: created,
                    updatedAt: created,
                    db
                )
            }
            for index in 1...tagCount {
                _ = try SluggedKinds.tags.insert(
                    TagInput(slug: .keep, name: "Tag \(index)"),
                    slug: "tag-\(index)",
                    createdAt: created,
                    updatedAt: created,
                    db
                )
            }
        }
        // Zipf weights: tag i is chosen in proportion to 1/i.
        let cumulative = (1...tagCount).reduce(into: [Double]()) { $0.append(($0.last ?? 0) + 1 / Double($1)) }
        var written = 0
        while written < count {
            let batch = min(batchSize, count - written)
            var drafts: [(record: ArticleRecord, body: ArticleBodyRecord, tags: [Int64])] = []
            for offset in 0..<batch {
                let number = written + offset + 1
                let title = (0..<random.next(in: 4...9)).map { _ in Self.word(&random) }.joined(separator: " ")
                    .capitalizedFirst
                let publishedAt = now.adding(seconds: -Int64(random.next(in: 3600...(5 * 365 * 86_400))))
                var record = ArticleRecord(
                    slug: "article-\(number)",
                    title: title,
                    excerpt: "",
                    status: "published",
                    featured: number % 50 == 0,
                    publishedAt: publishedAt,
                    authorId: Int64(random.next(in: 1...authorCount)),
                    wordCount: 0,
                    readingTimeMinutes: 1,
                    createdAt: publishedAt,
                    updatedAt: publishedAt
                )
                let bodyRecord = record.setBody(body(&random, words: random.next(in: 300...1500)))
                var tags: [Int64] = []
                while tags.count < random.next(in: 3...6) {
                    let pick = random.nextDouble() * cumulative[cumulative.count - 1]
                    let tag = Int64((cumulative.firstIndex { $0 >= pick } ?? 0) + 1)
                    if !tags.contains(tag) { tags.append(tag) }
                }
                drafts.append((record, bodyRecord, tags))
            }
            let ready = drafts
            try await database.writer.write { db in
                for var draft in ready {
                    try draft.record.insert(db)
                    try draft.body.save(for: draft.record.id!, db)
                    for (position, tag) in draft.tags.enumerated() {
                        try ArticleTagRecord(articleId: draft.record.id!, tagId: tag, position: position).insert(db)
                    }
                }
                try SQLiteSearchIndex.indexDue(at: now, db)
            }
            written += batch
            progress(written)
        }
    }

    private static func body(_ random: inout SplitMix64, words: Int) -> String {
        var markdown = ""
        var left = words
        var section = 0
        while left > 0 {
            section += 1
            markdown += "## \(word(&random).capitalizedFirst) \(word(&random))\n\n"
            left -= 2
            for _ in 0..<random.next(in: 1...3) where left > 0 {
                let length = min(left, random.next(in: 30...90))
                var sentence = (0..<length).map { _ in word(&random) }
                if random.next(in: 0...3) == 0 {
                    sentence[0] = "[\(sentence[0])](https://example.com/\(sentence[0]))"
                }
                markdown += sentence.joined(separator: " ").capitalizedFirst + ".\n\n"
                left -= length
            }
            if left > 0, random.next(in: 0...2) == 0 {
                let items = min(left, random.next(in: 3...5))
                markdown +=
                    (0..<items).map { _ in "- \(word(&random)) \(word(&random))" }.joined(separator: "\n") + "\n\n"
                left -= items * 2
            }
            if left > 0, section % 3 == 0 {
                markdown += "```go\nfunc \(word(&random))() error {\n    return nil\n}\n```\n\n"
                left -= 4
            }
        }
        return markdown
    }

    /// Words drawn as in prose: the rank-r word about 1/r as often as the commonest (Zipf).
    private static func word(_ random: inout SplitMix64) -> String {
        let pick = random.nextDouble() * wordWeights[wordWeights.count - 1]
        var low = 0
        var high = wordWeights.count - 1
        while low < high {
            let middle = (low + high) / 2
            if wordWeights[middle] < pick { low = middle + 1 } else { high = middle }
        }
        return words[low]
    }

    /// Cumulative Zipf weights of `words`.
    private static let wordWeights: [Double] = (1...words.count).reduce(into: []) {
        $0.append(($0.last ?? 0) + 1 / Double($1))
    }

    /// A vocabulary of about 20,000 words: common English function words first, then
    /// made-up words of two to four syllables, so that, as in real prose, a few words are
    /// everywhere and most are rare.
    private static let words: [String] = {
        let common = [
            "the", "of", "and", "to", "a", "in", "is", "that", "for", "it", "as", "with", "was", "on", "be", "by",
            "this",
            "are", "or", "from", "at", "we", "an", "not", "can", "more", "when", "each", "all", "one", "new", "service",
            "data", "team", "system", "request", "cache", "latency", "deploy", "brand", "growth", "metric", "release",
        ]
        let onsets = ["b", "c", "d", "f", "g", "l", "m", "n", "p", "r", "s", "t", "v", "st", "tr", "pl", "gr", "br"]
        let vowels = ["a", "e", "i", "o", "u", "ai", "ea", "io"]
        let codas = ["", "n", "r", "s", "l", "t", "nd", "rk"]
        var generator = SplitMix64(seed: 7)
        var seen = Set(common)
        var vocabulary = common
        while vocabulary.count < 20_000 {
            let syllables = generator.next(in: 2...4)
            let word = (0..<syllables).map { _ in
                onsets[generator.next(in: 0...(onsets.count - 1))] + vowels[generator.next(in: 0...(vowels.count - 1))]
                    + codas[generator.next(in: 0...(codas.count - 1))]
            }.joined()
            if seen.insert(word).inserted { vocabulary.append(word) }
        }
        return vocabulary
    }()
}

/// A small, fast, seedable generator (Steele, Lea and Flood's SplitMix64).
package struct SplitMix64 {
    private var state: UInt64

    package init(seed: UInt64) {
        state = seed
    }

    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    package mutating func next(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }

    package mutating func nextDouble() -> Double {
        Double(next() >> 11) / Double(1 << 53)
    }
}

extension String {
    fileprivate var capitalizedFirst: String {
        prefix(1).uppercased() + dropFirst()
    }
}
