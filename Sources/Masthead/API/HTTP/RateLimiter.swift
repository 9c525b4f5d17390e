import Foundation
import HTTPTypes
import Hummingbird
import Synchronization

/// How much one client address may ask without a token: a bucket of `burst` units, refilled
/// at `perMinute` units a minute. A request costs `RequestCost.base`; a search or a related
/// read that the response cache could not answer costs `RequestCost.expensive`.
public struct RateLimitPolicy: Sendable, Equatable {
    public var perMinute: Int
    public var burst: Int

    /// What a publication's readers never reach, even many behind one address (an office's
    /// proxy), and a crawler hammering search soon does: 20 requests a second on average, 2
    /// searches a second that miss the cache.
    public init(perMinute: Int = 1_200, burst: Int = 600) {
        self.perMinute = perMinute
        self.burst = burst
    }

    public static let off = RateLimitPolicy(perMinute: 0, burst: 0)

    public var isOff: Bool { perMinute == 0 }

    /// Seconds an empty bucket takes to fill: the policy's window.
    var windowSeconds: Int64 { max(1, (Int64(burst) * 60 + Int64(perMinute) - 1) / Int64(perMinute)) }
}

/// What a request costs against its address's bucket.
enum RequestCost {
    static let base = 1
    /// A search or related articles computed afresh: many index reads and a ranking.
    static let expensive = 10

    /// Whether `path` is one whose misses cost `expensive`: search, related, and article
    /// lists filtered by words.
    static func isExpensive(_ path: String, _ query: RequestQuery) -> Bool {
        if path == "/v1/search" || path.hasSuffix("/related") { return true }
        guard path == "/v1/articles", let parameters = try? query.parameters() else { return false }
        return parameters.contains { $0.name == "q" }
    }
}

/// Token buckets, one per client address, for requests without a token. Bounded memory: at
/// most `maximumAddresses` buckets, an address left alone for a window forgotten (its bucket
/// would be full again by then), the least recently used first when the table is full.
/// A bucket may go into debt (down to `-burst`) when a request turns out expensive after it
/// was let through; the address then waits for the debt to be paid.
public final class RateLimiter: Sendable {
    public let policy: RateLimitPolicy
    private let clock: ContentClock

    private struct Bucket {
        var level: Double
        var updated: Int64
    }

    private let buckets: Mutex<ExpiringTable<String, Bucket>>

    public init(policy: RateLimitPolicy, clock: ContentClock, maximumAddresses: Int = 100_000) {
        self.policy = policy
        self.clock = clock
        // A bucket in the deepest debt fills in two windows: past that, forgetting it is the same.
        buckets = Mutex(ExpiringTable(lifetime: 2 * policy.windowSeconds, capacity: max(1, maximumAddresses)))
    }

    /// Addresses with a bucket now; at most `maximumAddresses`.
    public var trackedAddresses: Int { buckets.withLock { $0.count } }

    public enum Decision: Equatable, Sendable {
        /// Let through; `remaining` units are left, the bucket is full again in `fullIn` s.
        case allowed(remaining: Int, fullIn: Int64)
        /// Refused; enough units are back in `retryAfter` seconds.
        case refused(retryAfter: Int64)
    }

    /// Takes `cost` units from `address`'s bucket if it holds them.
    public func take(_ cost: Int, from address: String) -> Decision {
        let now = clock.now.secondsSinceEpoch
        return buckets.withLock { buckets in
            buckets.update(address, at: now, renewing: true, initial: Bucket(level: Double(policy.burst), updated: now)) {
                bucket in
                refill(&bucket, at: now)
                guard bucket.level >= Double(cost) else {
                    return .refused(retryAfter: seconds(toReach: Double(cost), from: bucket.level))
                }
                bucket.level -= Double(cost)
                return .allowed(
                    remaining: Int(bucket.level),
                    fullIn: seconds(toReach: Double(policy.burst), from: bucket.level)
                )
            }
        }
    }

    /// Takes `cost` more from a request already let through, into debt if need be.
    public func charge(_ cost: Int, to address: String) {
        let now = clock.now.secondsSinceEpoch
        buckets.withLock { buckets in
            buckets.update(address, at: now, renewing: true, initial: Bucket(level: Double(policy.burst), updated: now)) {
                bucket in
                refill(&bucket, at: now)
                bucket.level = max(-Double(policy.burst), bucket.level - Double(cost))
            }
        }
    }

    private func refill(_ bucket: inout Bucket, at now: Int64) {
        let elapsed = Double(max(0, now - bucket.updated))
        bucket.level = min(Double(policy.burst), bucket.level + elapsed * Double(policy.perMinute) / 60)
        bucket.updated = now
    }

    private func seconds(toReach target: Double, from level: Double) -> Int64 {
        guard level < target else { return 0 }
        return Int64(((target - level) * 60 / Double(policy.perMinute)).rounded(.up))
    }
}

/// Applies the `RateLimiter` to every request without a valid API token (the public's reads,
/// preview links, view counts), by client address as `ClientAddressMiddleware` settled it.
/// Health checks and metrics are not counted. Each answer no shared cache may keep says where
/// its address stands (`RateLimit-Policy` and `RateLimit`, draft-ietf-httpapi-ratelimit-headers);
/// past the limit the answer is a 429 problem with `Retry-After`. IPv6 clients are counted by
/// their /64, which one client usually holds whole.
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let limiter: RateLimiter

    static let exempt: Set<String> = ["/healthz", "/readyz", "/metrics"]

    func handle(
        _ request: Request,
        context: AppRequestContext,
        next: (Request, AppRequestContext) async throws -> Response
    ) async throws -> Response {
        guard context.token == nil, !Self.exempt.contains(context.path) else {
            return try await next(request, context)
        }
        let address = Self.bucketKey(context.clientAddress)
        switch limiter.take(RequestCost.base, from: address) {
        case .refused(let retryAfter):
            var headers = headers(remaining: 0, reset: retryAfter)
            headers[.retryAfter] = String(retryAfter)
            throw ProblemError(
                status: .tooManyRequests,
                code: "rate_limited",
                detail: "Too many requests without a token from this address; try again in \(retryAfter) s.",
                headers: headers
            )
        case .allowed(var remaining, var fullIn):
            var response = try await next(request, context)
            if response.headers[.xCache] != "hit", RequestCost.isExpensive(context.path, context.query) {
                let extra = RequestCost.expensive - RequestCost.base
                limiter.charge(extra, to: address)
                remaining = max(0, remaining - extra)
                fullIn += Int64((Double(extra) * 60 / Double(limiter.policy.perMinute)).rounded(.up))
            }
            // Not on answers shared caches may keep: a CDN would replay this address's standing
            // to everyone else.
            if response.headers[.cacheControl]?.contains("public") != true {
                for field in headers(remaining: remaining, reset: fullIn) { response.headers.append(field) }
            }
            return response
        }
    }

    /// An IPv4 address as it is; an IPv6 address by its /64 prefix.
    static func bucketKey(_ address: String) -> String {
        guard address.contains(":") else { return address }
        var bytes = [UInt8](repeating: 0, count: 16)
        let parsed = address.withCString { inet_pton(AF_INET6, $0, &bytes) } == 1
        guard parsed else { return address }
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF {
            return bytes[12...].map(String.init).joined(separator: ".")  // IPv4-mapped
        }
        return bytes[0..<8].map { String($0, radix: 16) }.joined(separator: ":") + "::/64"
    }

    private func headers(remaining: Int, reset: Int64) -> HTTPFields {
        let policy = limiter.policy
        return [
            .rateLimitPolicy: "\"anonymous\";q=\(policy.burst);w=\(policy.windowSeconds)",
            .rateLimit: "\"anonymous\";r=\(remaining);t=\(reset)",
        ]
    }
}

extension HTTPField.Name {
    static let rateLimitPolicy = HTTPField.Name("RateLimit-Policy")!
    static let rateLimit = HTTPField.Name("RateLimit")!
}
