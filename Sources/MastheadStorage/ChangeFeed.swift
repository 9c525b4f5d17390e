/// What instances sharing one database tell each other: that one of them committed a write.
/// Each instance answers from its own cache, so without this another instance's write would
/// leave it serving the old content.
public enum SharedChange: Sendable, Equatable {
    /// Content: articles, authors, tags, the catalog or the site.
    case content
    /// View counts only.
    case counts
    /// The feed was lost: changes made from now on may go unheard until `.unknown`.
    case interrupted
    /// Changes may have been missed (the feed was lost and is back): assume anything changed.
    case unknown
}

/// The changes other instances commit, for engines a publication can share. Writes announce
/// themselves in their own transaction, so a change is heard only once committed.
public protocol ChangeFeed: Sendable {
    /// Calls `handle` with each change another instance commits, with `.interrupted` when
    /// listening stops, and with `.unknown` whenever listening had to start again, until the
    /// task is cancelled; calls `listening` each time listening has started.
    func follow(listening: @escaping @Sendable () -> Void, _ handle: @escaping @Sendable (SharedChange) -> Void) async
}
