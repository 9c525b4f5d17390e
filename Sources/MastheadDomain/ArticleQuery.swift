import Foundation

/// What the article list can be asked for, already parsed and validated.

/// A sortable field of the article list.
/// Which articles a reader may see.
public enum ArticleVisibility: Sendable, Equatable {
    /// Published, with their time come: what the public sees.
    case published
    case drafts
    /// Published with a time still to come.
    case scheduled
    case all
}

public enum ArticleSortField: String, Sendable, CaseIterable {
    case publishedAt = "published_at"
    case updatedAt = "updated_at"
    case title
    case views

    /// Only time-ordered lists can be paged with a cursor.
    public var supportsCursor: Bool {
        self == .publishedAt || self == .updatedAt
    }
}

public struct ArticleSort: Sendable, Equatable {
    public let field: ArticleSortField
    public let descending: Bool

    public init(field: ArticleSortField, descending: Bool) {
        self.field = field
        self.descending = descending
    }

    /// Newest first: the list's default.
    public static let newestFirst = ArticleSort(field: .publishedAt, descending: true)

    /// `published_at` or `-published_at`; nil for anything else.
    public init?(parsing text: some StringProtocol) {
        let descending = text.hasPrefix("-")
        guard let field = ArticleSortField(rawValue: String(descending ? text.dropFirst() : text[...])) else {
            return nil
        }
        self.init(field: field, descending: descending)
    }

    public var description: String { (descending ? "-" : "") + field.rawValue }
}

/// A position in a time-ordered list: the sort key and id of the last article a client saw.
/// Keyset paging from it neither skips nor repeats an article when others are published
/// between two pages.
public struct ArticleCursor: Sendable, Equatable {
    public let sort: ArticleSort
    public let time: Timestamp
    public let id: Int64

    public init(sort: ArticleSort, time: Timestamp, id: Int64) {
        self.sort = sort
        self.time = time
        self.id = id
    }

    /// The opaque form clients carry: base64url of `v1 <sort> <time> <id>`.
    public var token: String {
        let plain = "v1 \(sort.description) \(time) \(id)"
        return Base64URL.encode(Array(plain.utf8))
    }

    public init?(token: some StringProtocol) {
        guard token.utf8.count <= 200, let bytes = Base64URL.decode(token),
            let plain = String(validating: bytes, as: UTF8.self)
        else { return nil }
        let parts = plain.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "v1", let sort = ArticleSort(parsing: parts[1]), sort.field.supportsCursor,
            let time = Timestamp(rfc3339: parts[2]), time.rfc3339 == parts[2], let id = Int64(parts[3])
        else { return nil }
        self.init(sort: sort, time: time, id: id)
    }
}

/// How to page through the article list.
public enum ArticlePaging: Sendable, Equatable {
    /// Offset paging.
    case page(Int)
    /// Keyset paging after the given position.
    case after(ArticleCursor)
}

/// A request for one page of articles.
public struct ArticleListQuery: Sendable {
    /// The most tags one list may filter by, as for the tags an article may carry.
    public static let maximumTags = 20

    /// Articles with any of these tags.
    public var tags: [Slug] = []
    public var author: Slug?
    public var featured: Bool?
    public var publishedAfter: Timestamp?
    public var publishedBefore: Timestamp?
    public var search: SearchQuery?
    /// Nil orders by relevance when searching, otherwise newest first.
    public var sort: ArticleSort?
    public var paging: ArticlePaging = .page(1)
    public var limit: Int = 20
    /// The body renderings to load.
    public var bodies: Set<BodyFormat> = []
    public var visibility: ArticleVisibility = .published

    public init() {}

    /// The order actually applied.
    public var effectiveSort: ArticleSort? {
        sort ?? (search == nil ? .newestFirst : nil)
    }
}

/// One page of articles, the number of articles that match, and where the next page starts
/// when the list is time-ordered and has more.
public struct ArticlePage: Sendable {
    public let articles: [Article]
    public let total: Int
    public let nextCursor: ArticleCursor?

    package init(articles: [Article], total: Int, nextCursor: ArticleCursor?) {
        self.articles = articles
        self.total = total
        self.nextCursor = nextCursor
    }
}

/// Unpadded base64url (RFC 4648 §5).
package enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    package static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count * 4 + 2) / 3)
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            var value: UInt32 = 0
            for (offset, byte) in chunk.enumerated() { value |= UInt32(byte) << (16 - 8 * offset) }
            for position in 0...chunk.count {
                output.append(alphabet[Int((value >> (18 - 6 * position)) & 0x3F)])
            }
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }

    package static func decode(_ text: some StringProtocol) -> [UInt8]? {
        var values: [UInt8] = []
        for byte in text.utf8 {
            guard let value = alphabet.firstIndex(of: byte) else { return nil }
            values.append(UInt8(value))
        }
        guard values.count % 4 != 1 else { return nil }
        var output: [UInt8] = []
        var index = 0
        while index < values.count {
            let chunk = values[index..<min(index + 4, values.count)]
            var value: UInt32 = 0
            for (offset, sextet) in chunk.enumerated() { value |= UInt32(sextet) << (18 - 6 * offset) }
            for position in 0..<(chunk.count - 1) {
                output.append(UInt8((value >> (16 - 8 * position)) & 0xFF))
            }
            index += 4
        }
        return output
    }
}
