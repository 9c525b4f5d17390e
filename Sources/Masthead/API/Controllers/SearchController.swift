import Hummingbird
import MastheadDomain
import MastheadStorage

/// `GET /v1/search?q=…&type=article,author,tag,platform,service`: ranked hits across kinds,
/// paged like every list.
package struct SearchController {
    package let search: any SearchStore

    package var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.get(use: search)
        return routes
    }

    @Sendable package func search(_ request: Request, context: AppRequestContext) async throws -> Response {
        let reader = try QueryReader(context, allowed: ["q", "type", "page", "limit"])
        let query = try reader.searchQuery("q", required: true)!
        var kinds = Set(SearchKind.allCases)
        if let names = try reader.list("type", maxCount: SearchKind.allCases.count) {
            kinds = Set(
                try names.map { name in
                    guard let kind = SearchKind(rawValue: name) else {
                        throw ProblemError.invalidParameter(
                            "type",
                            "must list article, author, tag, platform or service."
                        )
                    }
                    return kind
                }
            )
        }
        let page = try reader.pageRequest()
        let hits = try await search.search(query, kinds: kinds, page: page)
        return JSONResponse.page(
            hits.items.map(SearchHitResponse.init),
            of: page,
            total: hits.total,
            for: request,
            context
        )
    }
}

package struct SearchHitResponse: JSONEncodable {
    package let hit: SearchHit

    package init(_ hit: SearchHit) {
        self.hit = hit
    }

    package func encode(to json: inout JSONWriter) {
        json.object { object in
            object.field("type", hit.kind.rawValue)
            object.field("slug", hit.slug)
            object.field("title", hit.title)
            object.field("snippet", Self.html(hit.snippet))
            object.field("score", hit.score)
        }
    }

    /// The snippet as safe HTML: text escaped, matches in `<mark>`. Works on UTF-8 bytes:
    /// the marks are private-use scalars, whose bytes never occur inside another scalar.
    package static func html(_ snippet: String) -> String {
        let start = Array(SearchHit.markStart.utf8)
        let end = Array(SearchHit.markEnd.utf8)
        var html: [UInt8] = []
        html.reserveCapacity(snippet.utf8.count + 64)
        var bytes = snippet.utf8[...]
        while let byte = bytes.first {
            if byte == start[0], bytes.starts(with: start) {
                html.append(contentsOf: "<mark>".utf8)
                bytes = bytes.dropFirst(start.count)
                continue
            }
            if byte == end[0], bytes.starts(with: end) {
                html.append(contentsOf: "</mark>".utf8)
                bytes = bytes.dropFirst(end.count)
                continue
            }
            switch byte {
            case UInt8(ascii: "&"): html.append(contentsOf: "&amp;".utf8)
            case UInt8(ascii: "<"): html.append(contentsOf: "&lt;".utf8)
            case UInt8(ascii: ">"): html.append(contentsOf: "&gt;".utf8)
            case UInt8(ascii: "\""): html.append(contentsOf: "&quot;".utf8)
            case UInt8(ascii: "'"): html.append(contentsOf: "&#39;".utf8)
            default: html.append(byte)
            }
            bytes = bytes.dropFirst()
        }
        return String(decoding: html, as: UTF8.self)
    }
}

extension QueryReader {
    /// A full-text query: at most 256 characters, 16 words or phrases, prefixes of two
    /// letters or more.
    package func searchQuery(_ name: String, required: Bool) throws -> SearchQuery? {
        guard let text = string(name) else {
            if required { throw ProblemError.invalidParameter(name, "is required.") }
            return nil
        }
        guard !text.isEmpty else { throw ProblemError.invalidParameter(name, "must not be empty.") }
        guard text.unicodeScalars.count <= SearchQuery.maximumLength else {
            throw ProblemError.invalidParameter(name, "must be at most \(SearchQuery.maximumLength) characters.")
        }
        do {
            // Punctuation alone is a valid query that finds nothing, as in any search box.
            return try SearchQuery(parsing: text) ?? .nothing
        } catch .tooManyTerms {
            throw ProblemError.invalidParameter(
                name,
                "may hold at most \(SearchQuery.maximumTerms) words and phrases.",
                code: "too_many_terms"
            )
        } catch .prefixTooShort(let prefix) {
            throw ProblemError.invalidParameter(
                name,
                "the prefix '\(TextRules.printable(prefix))*' is too short: a prefix needs at least "
                    + "\(SearchQuery.minimumPrefixLength) letters or digits.",
                code: "prefix_too_short"
            )
        }
    }
}
