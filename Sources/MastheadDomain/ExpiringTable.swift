import DequeModule

/// A map whose entries expire `lifetime` seconds after they were made, holding at most
/// `capacity` of them: past that, the oldest goes first.
///
/// Every operation costs O(1) amortised, whatever the map holds: entries are queued in the
/// order they were made, and expired ones leave from the front of that queue as time
/// passes, never by a sweep of the whole map. So a flood of distinct keys costs each
/// request the same, and memory stays bounded by `capacity`.
package struct ExpiringTable<Key: Hashable, Value> {
    package let lifetime: Int64
    package let capacity: Int

    private var entries: [Key: (value: Value, created: Int64)] = [:]
    /// Keys in the order their entries were made; a key whose entry was replaced since may
    /// still be here with its old time, and is skipped.
    private var order: Deque<(key: Key, created: Int64)> = []

    package init(lifetime: Int64, capacity: Int) {
        precondition(capacity > 0, "an expiring table holds at least one entry")
        self.lifetime = lifetime
        self.capacity = capacity
    }

    package var count: Int { entries.count }

    /// The value of `key`'s live entry at `now`, if there is one.
    package mutating func value(for key: Key, at now: Int64) -> Value? {
        expire(at: now)
        return entries[key]?.value
    }

    /// Changes the value of `key`'s live entry, or first makes one at `now` with `initial`.
    /// Returns what `change` returns. With `renewing`, a live entry's lifetime starts again
    /// at `now`, so that only entries left alone for `lifetime` expire.
    package mutating func update<Result>(
        _ key: Key,
        at now: Int64,
        renewing: Bool = false,
        initial: @autoclosure () -> Value,
        _ change: (inout Value) -> Result
    ) -> Result {
        expire(at: now)
        if var entry = entries[key] {
            entries[key] = nil  // keeps the value uniquely referenced while it changes
            let result = change(&entry.value)
            if renewing && entry.created != now {
                entry.created = now
                order.append((key, now))
                while order.count > 2 * capacity { evictOldest() }
            }
            entries[key] = entry
            return result
        }
        while entries.count >= capacity, !order.isEmpty { evictOldest() }
        var value = initial()
        let result = change(&value)
        entries[key] = (value, now)
        order.append((key, now))
        // Only a clock that went backwards leaves records behind; they never pile up.
        while order.count > 2 * capacity { evictOldest() }
        return result
    }

    package mutating func removeAll() {
        entries.removeAll(keepingCapacity: true)
        order.removeAll(keepingCapacity: true)
    }

    private mutating func expire(at now: Int64) {
        while let oldest = order.first, now - oldest.created >= lifetime {
            evictOldest()
        }
    }

    private mutating func evictOldest() {
        guard let oldest = order.popFirst() else { return }
        if entries[oldest.key]?.created == oldest.created { entries[oldest.key] = nil }
    }
}
