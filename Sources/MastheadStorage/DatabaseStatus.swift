/// What the operators' endpoints (`/readyz`, `/metrics`) ask of the database, whichever
/// engine it is.
public protocol DatabaseStatus: Sendable {
    /// The database answers and has no migration left to apply.
    func isReady() async -> Bool
    /// Counts since start-up.
    var counts: DatabaseCounts { get }
}

public struct DatabaseCounts: Sendable, Equatable {
    /// Times a statement waited for a lock and tried again.
    public var busyRetries: Int
    /// The write-ahead log's current size.
    public var walBytes: Int
    /// Checkpoints that moved the log into the database.
    public var walCheckpoints: Int

    package init(busyRetries: Int, walBytes: Int, walCheckpoints: Int) {
        self.busyRetries = busyRetries
        self.walBytes = walBytes
        self.walCheckpoints = walCheckpoints
    }
}
