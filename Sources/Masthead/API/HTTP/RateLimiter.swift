import Foundation
import HTTPTypes
import Hummingbird
import MastheadDomain
import MastheadStorage
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
    package var windowSeconds: Int64 { max(1, (Int64(burst) * 60 + Int64(perMinute) - 1) / Int64(perMinute)) }
}

/// What a request costs against its address's bucket.
public enum RequestCost {
    public static let base = 1
    /// A search or related articles computed afresh: many index reads and a ranking.
    public static let expensive = 10

    /// Whether `path` is one whose misses cost `expensive`: search, related, and article
    /// lists filtered by words.
    package static func isExpensive(_ path: String, _ query: RequestQuery) -> Bool {
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
        package var level: Double
        package var updated: Int64
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

    /// Takes `cost` units from `address`'s bucket if it holds them; `policy`, when given,
    /// is that bucket's own (a token's), with a window no longer than the limiter's.
    public func take(_ cost: Int, from address: String, policy: RateLimitPolicy? = nil) -> Decision {
        let policy = policy ?? self.policy
        let now = clock.now.secondsSinceEpoch
        return buckets.withLock { buckets in
            buckets.update(address, at: now, renewing: true, initial: Bucket(level: Double(policy.burst), updated: now))
            {
                bucket in
                refill(&bucket, at: now, policy)
                guard bucket.level >= Double(cost) else {
                    return .refused(retryAfter: seconds(toReach: Double(cost), from: bucket.level, policy))
                }
                bucket.level -= Double(cost)
                return .allowed(
                    remaining: Int(bucket.level),
                    fullIn: seconds(toReach: Double(policy.burst), from: bucket.level, policy)
                )
            }
        }
    }

    /// Takes `cost` more from a request already let through, into debt if need be.
    public func charge(_ cost: Int, to address: String, policy: RateLimitPolicy? = nil) {
        let policy = policy ?? self.policy
        let now = clock.now.secondsSinceEpoch
        buckets.withLock { buckets in
            buckets.update(address, at: now, renewing: true, initial: Bucket(level: Double(policy.burst), updated: now))
            {
                bucket in
                refill(&bucket, at: now, policy)
                bucket.level = max(-Double(policy.burst), bucket.level - Double(cost))
            }
        }
    }

    private func refill(_ bucket: inout Bucket, at now: Int64, _ policy: RateLimitPolicy) {
        let elapsed = Double(max(0, now - bucket.updated))
        bucket.level = min(Double(policy.burst), bucket.level + elapsed * Double(policy.perMinute) / 60)
        bucket.updated = now
    }

    private func seconds(toReach target: Double, from level: Double, _ policy: RateLimitPolicy) -> Int64 {
        guard level < target else { return 0 }
        return Int64(((target - level) * 60 / Double(policy.perMinute)).rounded(.up))
    }
}

/// Applies the `RateLimiter`s: to every request without a valid API token (the public's
/// reads, preview links, view counts), by client address as `ClientAddressMiddleware`
/// settled it, IPv6 by its /64; and to a token's requests when that token has a limit of its
/// own (`TokenInfo.rateLimit`, a minute's worth at once). Health checks and metrics are not
/// counted. Each answer no shared cache may keep says where its bucket stands
/// (`RateLimit-Policy` and `RateLimit`, draft-ietf-httpapi-ratelimit-headers, named
/// `anonymous` or `token`); past the limit the answer is a 429 problem with `Retry-After`.
package struct RateLimitMiddleware: RouterMiddleware {
    package typealias Context = AppRequestContext

    /// Nil when the public's limit is off.
    package let anonymous: RateLimiter?
    /// Buckets of tokens that have a limit, by token id.
    package let tokens: RateLimiter

    package static let exempt: Set<String> = ["/healthz", "/readyz", "/metrics"]

    /// Every token's policy spends a minute's worth at once, so that one window fits all.
    package static func tokenPolicy(_ perMinute: Int) -> RateLimitPolicy {
        RateLimitPolicy(perMinute: perMinute, burst: perMinute)
    }

    package func handle(
        _ request: Request,
        context: AppRequestContext,
        next: (Request, AppRequestContext) async throws -> Response
    ) async throws -> Response {
        guard !Self.exempt.contains(context.path) else { return try await next(request, context) }
        let limiter: RateLimiter
        let key: String
        let policy: RateLimitPolicy
        let name: String
        if let token = context.token {
            guard let perMinute = token.rateLimit else { return try await next(request, context) }
            (limiter, key, policy, name) = (tokens, "token:\(token.id)", Self.tokenPolicy(perMinute), "token")
        } else {
            guard let anonymous else { return try await next(request, context) }
            (limiter, key, policy, name) = (
                anonymous, Self.bucketKey(context.clientAddress), anonymous.policy, "anonymous"
            )
        }
        switch limiter.take(RequestCost.base, from: key, policy: policy) {
        case .refused(let retryAfter):
            var headers = Self.headers(name, policy, remaining: 0, reset: retryAfter)
            headers[.retryAfter] = String(retryAfter)
            throw ProblemError(
                status: .tooManyRequests,
                code: "rate_limited",
                detail: context.token == nil
                    ? "Too many requests without a token from this address; try again in \(retryAfter) s."
                    : "Too many requests with this token; try again in \(retryAfter) s.",
                headers: headers
            )
        case .allowed(var remaining, var fullIn):
            var response = try await next(request, context)
            if response.headers[.xCache] != "hit", RequestCost.isExpensive(context.path, context.query) {
                let extra = RequestCost.expensive - RequestCost.base
                limiter.charge(extra, to: key, policy: policy)
                remaining = max(0, remaining - extra)
                fullIn += Int64((Double(extra) * 60 / Double(policy.perMinute)).rounded(.up))
            }
            // Not on answers shared caches may keep: a CDN would replay this bucket's standing
            // to everyone else.
            if response.headers[.cacheControl]?.contains("public") != true {
                for field in Self.headers(name, policy, remaining: remaining, reset: fullIn) {
                    response.headers.append(field)
                }
            }
            return response
        }
    }

    /// An IPv4 address as it is; an IPv6 address by its /64 prefix.
    package static func bucketKey(_ address: String) -> String {
        guard address.contains(":") else { return address }
        var bytes = [UInt8](repeating: 0, count: 16)
        let parsed = address.withCString { inet_pton(AF_INET6, $0, &bytes) } == 1
        guard parsed else { return address }
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF {
            return bytes[12...].map(String.init).joined(separator: ".")  // IPv4-mapped
        }
        return bytes[0..<8].map { String($0, radix: 16) }.joined(separator: ":") + "::/64"
    }

    private static func headers(_ name: String, _ policy: RateLimitPolicy, remaining: Int, reset: Int64) -> HTTPFields {
        [
            .rateLimitPolicy: "\"\(name)\";q=\(policy.burst);w=\(policy.windowSeconds)",
            .rateLimit: "\"\(name)\";r=\(remaining);t=\(reset)",
        ]
    }
}

extension HTTPField.Name {
    package static let rateLimitPolicy = HTTPField.Name("RateLimit-Policy")!
    package static let rateLimit = HTTPField.Name("RateLimit")!
}
