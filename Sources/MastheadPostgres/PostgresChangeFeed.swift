import Logging
import MastheadStorage
import PostgresNIO

/// The changes other instances commit, heard on one pooled connection that LISTENs to
/// `masthead_changes`. If that connection drops, whatever is announced until it listens
/// again is lost: the feed says `.interrupted` at once, and `.unknown` once it listens again.
public struct PostgresChangeFeed: ChangeFeed {
    package let engine: PostgresEngine
    /// The wait before listening again after the connection dropped.
    package let retryDelay: Duration

    public init(engine: PostgresEngine, retryDelay: Duration = .seconds(1)) {
        self.engine = engine
        self.retryDelay = retryDelay
    }

    public func follow(
        listening: @escaping @Sendable () -> Void,
        _ handle: @escaping @Sendable (SharedChange) -> Void
    ) async {
        let logger = engine.logger
        let ownPrefix = engine.instance + " "
        while !Task.isCancelled {
            do {
                try await engine.client.withConnection { connection in
                    try await connection.listen(on: PostgresEngine.changeChannel) { notifications in
                        // Listening again: anything announced while it was not is unknown.
                        engine.listCounts.invalidate()
                        handle(.unknown)
                        listening()
                        for try await notification in notifications {
                            let payload = notification.payload
                            guard !payload.hasPrefix(ownPrefix) else { continue }
                            let change: SharedChange = payload.hasSuffix(" counts") ? .counts : .content
                            if change == .content { engine.listCounts.invalidate() }
                            handle(change)
                        }
                    }
                }
            } catch {
                if Task.isCancelled { return }
                // Others' writes go unheard from now until listening again.
                engine.listCounts.invalidate()
                handle(.interrupted)
                // While the server is unreachable the pool refuses at once, and says so itself:
                // listen again as soon as it is back.
                if error is PostgresUnreachable {
                    try? await Task.sleep(for: .milliseconds(100))
                    continue
                }
                logger.warning(
                    "Stopped hearing other instances' writes; the cache is not trusted until listening again",
                    metadata: ["reason": "\(PostgresEngine.describe(error))"]
                )
            }
            try? await Task.sleep(for: retryDelay)
        }
    }
}
