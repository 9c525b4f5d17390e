import MastheadDomain
import Synchronization

/// Slows down token guessing: after `limit` failed authentications from one client address
/// within a minute (counted from that address's first failure), further *failed* attempts
/// from it are answered 429 until the minute is over. Only failures count, and a valid
/// token is always served: others behind the same address (a NAT, an office proxy) cannot
/// be locked out by someone guessing there. A limit of 0 turns the limiter off.
///
/// At most `maximumAddresses` addresses are tracked; past that the oldest window is
/// forgotten, so a flood of distinct addresses costs bounded memory and O(1) per attempt.
public final class FailedAuthenticationLimiter: Sendable {
    public let limit: Int
    public let windowSeconds: Int64

    private struct Window {
        package let start: Int64
        package var failures = 0
    }

    private let windows: Mutex<ExpiringTable<String, Window>>

    public init(limit: Int = 20, windowSeconds: Int64 = 60, maximumAddresses: Int = 100_000) {
        self.limit = limit
        self.windowSeconds = windowSeconds
        self.windows = Mutex(ExpiringTable(lifetime: windowSeconds, capacity: maximumAddresses))
    }

    /// Addresses with a failure window open; for tests and metrics.
    public var trackedAddresses: Int { windows.withLock { $0.count } }

    /// Records a failed attempt from `address`. Returns the seconds until it may try again
    /// when it has now failed more than `limit` times in its window, nil otherwise.
    public func recordFailure(for address: String, at now: Timestamp) -> Int64? {
        guard limit > 0 else { return nil }
        let seconds = now.secondsSinceEpoch
        let window = windows.withLock { windows in
            windows.update(address, at: seconds, initial: Window(start: seconds)) { window -> Window in
                window.failures += 1
                return window
            }
        }
        guard window.failures > limit else { return nil }
        return max(1, window.start + windowSeconds - seconds)
    }
}
