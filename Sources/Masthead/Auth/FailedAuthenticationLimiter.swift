import Synchronization

/// Slows down token guessing: after `limit` failed authentications from one client address
/// within a minute (counted from that address's first failure), every further attempt from
/// it is refused until the minute is over. Other addresses are unaffected. A limit of 0
/// turns the limiter off.
public final class FailedAuthenticationLimiter: Sendable {
    public let limit: Int
    public let windowSeconds: Int64

    private struct Window {
        var start: Int64
        var failures: Int
    }

    private let windows = Mutex<[String: Window]>([:])
    /// Past this many tracked addresses, expired windows are swept out.
    private let sweepThreshold = 10_000

    public init(limit: Int = 20, windowSeconds: Int64 = 60) {
        self.limit = limit
        self.windowSeconds = windowSeconds
    }

    /// Seconds until `address` may try again, or nil when it may try now.
    public func retryAfter(for address: String, at now: Timestamp) -> Int64? {
        guard limit > 0 else { return nil }
        return windows.withLock { windows in
            guard let window = windows[address], now.secondsSinceEpoch < window.start + windowSeconds,
                window.failures >= limit
            else { return nil }
            return window.start + windowSeconds - now.secondsSinceEpoch
        }
    }

    public func recordFailure(for address: String, at now: Timestamp) {
        windows.withLock { windows in
            let seconds = now.secondsSinceEpoch
            if var window = windows[address], seconds < window.start + windowSeconds {
                window.failures += 1
                windows[address] = window
            } else {
                windows[address] = Window(start: seconds, failures: 1)
            }
            if windows.count > sweepThreshold {
                windows = windows.filter { seconds < $0.value.start + windowSeconds }
            }
        }
    }
}
