import Kafka
import NIOCore

/// Cuts length-prefixed Kafka request frames out of the byte stream. A negative or oversized length
/// (an HTTP request or TLS hello read as a size) fails before any body is buffered, which closes
/// only that connection.
struct KafkaFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    let decoder: FrameDecoder

    init(maxFrameBytes: Int) {
        decoder = FrameDecoder(configuration: .init(maxFrameBytes: Int32(clamping: maxFrameBytes)))
    }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = try decoder.nextFrame(from: &buffer) else { return .needMoreData }
        context.fireChannelRead(Self.wrapInboundOut(frame))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws
        -> DecodingState
    {
        try decode(context: context, buffer: &buffer)
    }
}

/// Closes a connection when `IdleStateHandler` reports it idle (`connections.max.idle.ms`).
final class IdleConnectionCloser: ChannelInboundHandler, Sendable {
    typealias InboundIn = NIOAny

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}
