/// What a database's failure means to a client, when it means more than "the server
/// failed": each engine says which of its errors are these (`SQLiteFailures`,
/// `PostgresFailures`), and the HTTP layer answers them with a problem that says what to do.
public enum DatabaseFailure: Sendable, Equatable {
    /// The storage is full: the write failed and changed nothing; writes succeed again once
    /// space returns, with no restart.
    case full
    /// The database cannot be reached or is shutting down: try again shortly.
    case unavailable
}
