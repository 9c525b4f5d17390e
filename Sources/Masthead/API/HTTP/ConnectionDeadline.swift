import NIOCore

/// A deadline that closes a connection when it passes, unless cancelled first. Used from the
/// channel's event loop only, by the handlers that bound how long a client may keep a
/// connection waiting.
package struct ConnectionDeadline {
    private var scheduled: Scheduled<Void>?

    /// Closes the connection of `context` in `timeout`, unless already set.
    package mutating func set(in timeout: TimeAmount, context: ChannelHandlerContext) {
        guard scheduled == nil else { return }
        scheduled = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) {
            context.close(promise: nil)
        }
    }

    package mutating func cancel() {
        scheduled?.cancel()
        scheduled = nil
    }
}
