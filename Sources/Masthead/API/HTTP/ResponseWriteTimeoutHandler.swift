import NIOCore
import NIOHTTPTypes

/// Closes a connection whose client has stopped reading: once the response bytes waiting
/// to be sent pass the channel's high-water mark (it turns unwritable) and stay there for
/// `timeout`, the connection is closed, which frees the buffered response and ends the
/// request task that was waiting to write. A client that reads, however slowly, turns
/// the channel writable again and the timer starts over.
final class ResponseWriteTimeoutHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    private let timeout: TimeAmount
    private var deadline = ConnectionDeadline()

    init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            deadline.cancel()
        } else {
            deadline.set(in: timeout, context: context)
        }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline.cancel()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline.cancel()
    }
}
