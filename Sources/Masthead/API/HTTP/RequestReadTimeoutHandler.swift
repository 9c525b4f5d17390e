import NIOCore
import NIOHTTPTypes

/// Closes a connection whose request body has not fully arrived `timeout` after its head,
/// so a client trickling a body cannot hold a connection (and a request task) forever.
/// Waiting for a head, idle or slowly sent, is bounded by the server's idle timeout.
///
/// Most requests arrive whole in one read; the timer is only started for a request still
/// incomplete when a read ends, so those cost no timer at all.
package final class RequestReadTimeoutHandler: ChannelInboundHandler, RemovableChannelHandler {
    package typealias InboundIn = HTTPRequestPart
    package typealias InboundOut = HTTPRequestPart

    private let timeout: TimeAmount
    /// A head has arrived and its end has not.
    private var reading = false
    private var deadline = ConnectionDeadline()

    package init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    package func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            reading = true
        case .body:
            break
        case .end:
            reading = false
            deadline.cancel()
        }
        context.fireChannelRead(data)
    }

    package func channelReadComplete(context: ChannelHandlerContext) {
        if reading { deadline.set(in: timeout, context: context) }
        context.fireChannelReadComplete()
    }

    package func channelInactive(context: ChannelHandlerContext) {
        deadline.cancel()
        context.fireChannelInactive()
    }

    package func handlerRemoved(context: ChannelHandlerContext) {
        deadline.cancel()
    }
}
