import HTTPTypes
import Hummingbird
import MastheadStorage
import NIOCore
import Synchronization

/// How public responses may be cached by browsers and CDNs.
public struct CachePolicy: Sendable {
    /// `max-age` of public reads, in seconds.
    public var maxAge: Int
    /// `stale-while-revalidate` of public reads, in seconds.
    public var staleWhileRevalidate: Int
    /// `stale-if-error` of public reads, in seconds, and how long the in-process cache
    /// answers what it holds while the database cannot be reached; 0 never.
    public var staleIfError: Int

    public init(maxAge: Int = 60, staleWhileRevalidate: Int = 300, staleIfError: Int = 300) {
        self.maxAge = maxAge
        self.staleWhileRevalidate = staleWhileRevalidate
        self.staleIfError = staleIfError
    }
}

/// HTTP caching for every successful GET: a strong `ETag`, `If-None-Match` answered with
/// 304, `Cache-Control` (public for anonymous reads, `private, no-store` for token and preview
/// reads),
/// `Vary`, gzip for clients that accept it when the body is over 1 KiB, and the in-process
/// `ResponseCache` for anonymous reads. An anonymous read the database cannot answer because
/// it cannot be reached is answered from the cache if it holds one no write made stale
/// (`X-Cache: stale`). Other methods pass through untouched.
package struct CachingMiddleware: RouterMiddleware {
    package typealias Context = AppRequestContext

    package let cache: ResponseCache
    package let policy: CachePolicy
    package let schedule: PublicationSchedule
    /// What requests without a token may use of the database at once.
    package let reservation: DatabaseReservation
    /// Which errors are the database's (the engine says).
    package var failures: @Sendable (any Error) -> DatabaseFailure? = { _ in nil }
    /// The described kinds' tables, each served at `/v1/<table>` (`DescribedInput.path`).
    package var described: Set<String> = []

    /// Bodies smaller than this are sent as they are: gzip would save little and cost more.
    package static let compressionThreshold = 1024

    package func handle(
        _ request: Request,
        context: AppRequestContext,
        next: (Request, AppRequestContext) async throws -> Response
    ) async throws -> Response {
        guard context.token == nil else {
            reservation.noteEditor()
            return try await respond(request, context, next)
        }
        // Health checks and metrics never wait for the public's permits.
        guard !RateLimitMiddleware.exempt.contains(context.path) else {
            return try await respond(request, context, next)
        }
        // Without a valid token, what reaches the database waits for one of the public's permits.
        return try await respond(request, context) { request, context in
            try await reservation.run { try await next(request, context) }
        }
    }

    private func respond(
        _ request: Request,
        _ context: AppRequestContext,
        _ next: (Request, AppRequestContext) async throws -> Response
    ) async throws -> Response {
        guard request.method == .get || request.method == .head, !Self.isMedia(context.path) else {
            return try await next(request, context)
        }
        // A token or a preview link, in any spelling (`RequestQuery` reads the query the way
        // the handlers do), makes the answer its holder's alone: never answered from or kept
        // in this cache, and never for shared caches, whatever its status.
        if request.headers[.authorization] != nil || context.query.carriesCredential {
            var response = try await next(request, context)
            guard response.status == .ok else {
                response.headers[.cacheControl] = Self.privateCacheControl
                return response
            }
            return try Self.serve(try await Self.collect(response), to: request, cacheControl: Self.privateCacheControl)
        }
        guard cache.isEnabled, let scope = Self.scope(of: context.path, described: described),
            let key = Self.key(of: context.path, context.query)
        else {
            let response = try await next(request, context)
            guard response.status == .ok else { return response }
            let cacheControl = response.headers[.cacheControl] ?? publicCacheControl
            return try Self.serve(try await Self.collect(response), to: request, cacheControl: cacheControl)
        }
        let response: Response
        let generation: UInt64
        do {
            // The schedule's look-up needs the database too.
            try await schedule.expireIfDue(cache)
            if let cached = cache.lookup(key) {
                return try await serve(cached, key: key, to: request, hit: true)
            }
            generation = cache.generation(of: scope)
            response = try await next(request, context)
        } catch  where failures(error) == .unavailable {
            guard let stale = cache.lookupStale(key) else { throw error }
            var answer = try Self.serve(stale, to: request, cacheControl: Self.staleCacheControl)
            answer.headers[.xCache] = "stale"
            return answer
        }
        guard response.status == .ok else { return response }
        let collected = try await Self.collect(response)
        cache.store(collected, for: key, scope: scope, generation: generation)
        return try await serve(collected, key: key, to: request, hit: false)
    }

    package static let privateCacheControl = "private, no-store"
    /// A response served because the database could not give a fresh one: shared caches may
    /// keep it, but must ask again before using it, and may not stretch it on errors of their
    /// own.
    package static let staleCacheControl = "public, max-age=0, must-revalidate"

    private var publicCacheControl: String {
        "public, max-age=\(policy.maxAge), stale-while-revalidate=\(policy.staleWhileRevalidate)"
            + (policy.staleIfError > 0 ? ", stale-if-error=\(policy.staleIfError)" : "")
    }

    /// Answers from a cached response, gzipping its body once for all later gzip clients.
    private func serve(_ cached: CachedResponse, key: String, to request: Request, hit: Bool) async throws -> Response {
        var cached = cached
        if cached.gzipped == nil, Self.wantsGzip(request, bodySize: cached.body.count) {
            cached.gzipped = Self.gzip(cached.body)
            cache.attachGzip(cached.gzipped!, for: key, etag: cached.etag)
        }
        var response = try Self.serve(cached, to: request, cacheControl: publicCacheControl)
        response.headers[.xCache] = hit ? "hit" : "miss"
        return response
    }

    /// The response for `request`: 304 when `If-None-Match` names its ETag, else the body,
    /// gzipped when the client accepts it and it is large enough.
    private static func serve(_ cached: CachedResponse, to request: Request, cacheControl: String) throws -> Response {
        let gzip = wantsGzip(request, bodySize: cached.body.count)
        let etag = gzip ? gzipETag(cached.etag) : cached.etag
        var headers = cached.headers
        headers[.eTag] = etag
        headers[.cacheControl] = cacheControl
        headers[.vary] = "Accept-Encoding, Authorization"
        if let condition = request.headers[.ifNoneMatch], matches(condition, cached.etag) {
            var notModified: HTTPFields = [:]
            for name in [HTTPField.Name.eTag, .cacheControl, .vary, .lastModified] {
                notModified[name] = headers[name]
            }
            return Response(status: .notModified, headers: notModified)
        }
        let body: [UInt8]
        if gzip {
            body = cached.gzipped ?? Self.gzip(cached.body)
            headers[.contentEncoding] = "gzip"
        } else {
            body = cached.body
        }
        if request.method == .head {
            headers[.contentLength] = String(body.count)
            return Response(status: .ok, headers: headers)
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// The body and the headers that matter of a response the router produced.
    private static func collect(_ response: Response) async throws -> CachedResponse {
        let collector = BodyCollector()
        try await response.body.write(collector.writer)
        let body = collector.bytes
        var headers = response.headers
        for name in [HTTPField.Name.eTag, .cacheControl, .vary, .contentLength, .contentEncoding, .xRequestID] {
            headers[name] = nil
        }
        return CachedResponse(
            body: body,
            etag: response.headers[.eTag] ?? EntityTag.strong(for: body),
            headers: headers,
            gzipped: nil
        )
    }

    /// Media routes say how they may be cached themselves (images for a year, the library
    /// never), and their bodies are images already compressed or originals streamed a part
    /// at a time: none is collected, gzipped or kept here.
    package static func isMedia(_ path: String) -> Bool {
        path.hasPrefix("/media/") || path == "/v1/media" || path.hasPrefix("/v1/media/")
    }

    /// Which writes make a response stale, by the collection its path belongs to.
    package static func scope(of path: String, described: Set<String> = []) -> CacheScope? {
        if path == "/feed.xml" || path == "/feed.json" || path == "/sitemap.xml" { return .feeds }
        let components = path.split(separator: "/")
        guard components.count >= 2, components[0] == "v1" else { return nil }
        switch components[1] {
        case "articles", "popular": return .articles
        case "authors": return .authors
        case "tags": return .tags
        case "platforms", "services", "catalog", "site": return .catalog
        case "search": return .search
        case let name where described.contains(String(name)): return .described
        default: return nil
        }
    }

    /// The route's path and the decoded query parameters sorted by name, so that `?a=1&b=2`,
    /// `?b=2&a=1`, `?%61=1&b=2` and `/v1//articles?a=1&b=2` share one entry. The content coding is not part of the
    /// key: an entry holds both. Nil for a query that cannot be read.
    package static func key(of path: String, _ query: RequestQuery) -> String? {
        guard let canonical = query.canonical else { return nil }
        return canonical.isEmpty ? path : path + "?" + canonical
    }

    /// Whether the client accepts gzip (RFC 9110 §12.5.3: `gzip` or `*` listed, without `q=0`).
    package static func wantsGzip(_ request: Request, bodySize: Int) -> Bool {
        guard bodySize > compressionThreshold, let header = request.headers[.acceptEncoding] else { return false }
        for item in header.lowercased().split(separator: ",") {
            let parts = item.split(separator: ";").map { $0.trimmingSpaces }
            guard let coding = parts.first, coding == "gzip" || coding == "x-gzip" || coding == "*" else { continue }
            let quality = parts.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            return quality > 0
        }
        return false
    }

    package static func gzip(_ body: [UInt8]) -> [UInt8] {
        Gzip.compress(body)
    }

    /// The gzip variant of a representation has its own strong tag.
    package static func gzipETag(_ etag: String) -> String {
        etag.hasSuffix("\"") ? String(etag.dropLast()) + "-gz\"" : etag
    }

    /// `If-None-Match` compares weakly (RFC 9110 §13.1.2): `*`, or any listed tag naming this
    /// representation in either encoding.
    package static func matches(_ header: String, _ etag: String) -> Bool {
        for candidate in header.split(separator: ",") {
            var tag = candidate.trimmingSpaces
            if tag == "*" { return true }
            if tag.hasPrefix("W/") { tag = tag.dropFirst(2) }
            if tag == etag[...] || tag == gzipETag(etag)[...] { return true }
        }
        return false
    }
}

/// Gathers a response body's bytes as Hummingbird writes it.
private final class BodyCollector: Sendable {
    private let buffer = Mutex(ByteBuffer())

    package var bytes: [UInt8] { buffer.withLock { Array($0.readableBytesView) } }

    package var writer: some ResponseBodyWriter { Writer(collector: self) }

    private struct Writer: ResponseBodyWriter {
        package let collector: BodyCollector

        package mutating func write(_ buffer: ByteBuffer) async throws {
            var buffer = buffer
            collector.buffer.withLock { _ = $0.writeBuffer(&buffer) }
        }

        consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
    }
}

extension HTTPField.Name {
    package static let xCache = HTTPField.Name("X-Cache")!
}
