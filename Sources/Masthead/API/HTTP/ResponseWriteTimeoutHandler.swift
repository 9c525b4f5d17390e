import NIOCore
import NIOHTTPTypes

/// Closes a connection whose client has stopped reading: once the response bytes waiting
/// to be sent pass the channel's high-water mark (it turns unwritable) and stay there for
/// `timeout`, the connection is closed, which frees the buffered response and ends the
/// request task that was waiting to write. A client that reads, however slowly, turns
/// the channel writable again and the timer starts over.
package final class ResponseWriteTimeoutHandler: ChannelInboundHandler, RemovableChannelHandler {
    package typealias InboundIn = HTTPRequestPart
    package typealias InboundOut = HTTPRequestPart

    private let timeout: TimeAmount
    private var deadline = ConnectionDeadline()

    package init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    package func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            deadline.cancel()
        } else {
            deadline.set(in: timeout, context: context)
        }
        context.fireChannelWritabilityChanged()
    }

    package func channelInactive(context: ChannelHandlerContext) {
        deadline.cancel()
        context.fireChannelInactive()
    }

    package func handlerRemoved(context: ChannelHandlerContext) {
        deadline.cancel()
    }
}
