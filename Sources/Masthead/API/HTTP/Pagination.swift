import Foundation
import HTTPTypes
import Hummingbird
import MastheadDomain

extension HTTPField.Name {
    package static let xRequestID = HTTPField.Name("X-Request-ID")!
    package static let xTotalCount = HTTPField.Name("X-Total-Count")!
    package static let link = HTTPField.Name("Link")!
    package static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
}

/// `meta.pagination` of every list.
package struct PaginationMeta: JSONEncodable, Equatable {
    /// Nil when the page was asked for with a cursor.
    package let page: Int?
    package let limit: Int
    package let total: Int
    package let pages: Int
    package let next: Int?
    package let prev: Int?
    /// Only time-ordered lists carry a cursor; nil otherwise.
    package let cursor: CursorMeta?

    package struct CursorMeta: Equatable {
        /// Where the next page starts, or nil on the last page.
        package let next: String?
    }

    /// Offset paging.
    package init(page: PageRequest, total: Int, nextCursor: String?? = nil) {
        let pages = (total + page.limit - 1) / page.limit
        self.page = page.number
        self.limit = page.limit
        self.total = total
        self.pages = pages
        self.next = page.number < pages ? page.number + 1 : nil
        self.prev = page.number > 1 ? min(page.number - 1, max(pages, 1)) : nil
        self.cursor = nextCursor.map { CursorMeta(next: $0) }
    }

    /// Keyset paging.
    package init(limit: Int, total: Int, nextCursor: String?) {
        self.page = nil
        self.limit = limit
        self.total = total
        self.pages = (total + limit - 1) / limit
        self.next = nil
        self.prev = nil
        self.cursor = CursorMeta(next: nextCursor)
    }

    package func encode(to json: inout JSONWriter) {
        json.object { object in
            object.field("page", page)
            object.field("limit", limit)
            object.field("total", total)
            object.field("pages", pages)
            object.field("next", next)
            object.field("prev", prev)
            if let cursor {
                object.field("next_cursor", cursor.next)
            }
        }
    }

    /// `X-Total-Count`, and a `Link` header with `rel="next"` and `rel="prev"` where they exist,
    /// each the request's own URL with only the page (or cursor) changed.
    package func headers(for request: Request, _ context: AppRequestContext) -> HTTPFields {
        var fields: HTTPFields = [.xTotalCount: String(total)]
        let kept = ((try? context.query.parameters()) ?? []).filter { $0.name != "page" && $0.name != "cursor" }
        func link(_ extra: RequestQuery.Parameter, _ relation: String) -> String {
            let query = (kept + [extra]).map { Self.escape($0.name) + "=" + Self.escape($0.value) }
            return "<\(request.uri.path)?\(query.joined(separator: "&"))>; rel=\"\(relation)\""
        }
        var links: [String] = []
        if page == nil {
            if let next = cursor?.next { links.append(link(.init(name: "cursor", value: next), "next")) }
        } else {
            if let next { links.append(link(.init(name: "page", value: String(next)), "next")) }
            if let prev { links.append(link(.init(name: "page", value: String(prev)), "prev")) }
        }
        if !links.isEmpty {
            fields[.link] = links.joined(separator: ", ")
        }
        return fields
    }

    private static let queryValueCharacters = CharacterSet(charactersIn: "-._~,:*")
        .union(CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"))

    private static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: queryValueCharacters) ?? ""
    }
}

extension JSONResponse {
    /// One page of a collection: `{"data": [...], "meta": {"pagination": …}}` with
    /// `X-Total-Count` and `Link`.
    /// `cacheControl`, when given, says who may keep the page (`private, no-store` for lists a
    /// token reads).
    package static func page(
        _ items: [some JSONEncodable],
        of page: PageRequest,
        total: Int,
        for request: Request,
        _ context: AppRequestContext,
        cacheControl: String? = nil
    ) -> Response {
        let pagination = PaginationMeta(page: page, total: total)
        var headers = pagination.headers(for: request, context)
        if let cacheControl { headers[.cacheControl] = cacheControl }
        return make(ListEnvelope(data: items, pagination: pagination), headers: headers)
    }
}
