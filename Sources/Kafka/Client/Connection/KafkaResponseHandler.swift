import NIOCore

/// A request on its way out: the whole frame (size prefix included, correlation id still a
/// placeholder), and where its response goes (nil when none is expected, as for acks=0 produce).
struct OutboundKafkaRequest: Sendable {
    var frame: ByteBuffer
    var apiKey: ApiKey
    var response: EventLoopPromise<ByteBuffer>?
    var timeout: Duration
}

/// Writes requests with fresh correlation ids, cuts response frames with `FrameDecoder` and completes
/// the oldest outstanding request with each one (Kafka answers in request order). A timeout, a
/// mismatched correlation id, bad bytes or a closed channel fail every outstanding request and close
/// the connection, since the order of what follows can no longer be trusted.
final class KafkaResponseHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = OutboundKafkaRequest
    typealias OutboundOut = ByteBuffer

    private struct Pending {
        var correlationId: Int32
        var apiKey: ApiKey
        var promise: EventLoopPromise<ByteBuffer>
        var timer: Scheduled<Void>?
    }

    /// Byte offset of the correlation id in a request frame: size (4), api key (2), api version (2).
    static let correlationIdOffset = 8

    private let decoder: FrameDecoder
    private var received: ByteBuffer?
    private var pending = CircularBuffer<Pending>()
    private var nextCorrelationId: Int32 = 1
    private var failure: KafkaClientError?

    init(maxResponseBytes: Int32) {
        decoder = FrameDecoder(configuration: .init(maxFrameBytes: maxResponseBytes))
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        var request = unwrapOutboundIn(data)
        if let failure {
            request.response?.fail(failure)
            promise?.fail(failure)
            return
        }
        let correlationId = nextCorrelationId
        nextCorrelationId = nextCorrelationId == .max ? 1 : nextCorrelationId + 1
        request.frame.setInteger(correlationId, at: request.frame.readerIndex + Self.correlationIdOffset)
        if let response = request.response {
            let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            let api = request.apiKey
            let timeout = request.timeout
            let timer = context.eventLoop.scheduleTask(in: timeout.timeAmount) {
                let (handler, context) = loopBound.value
                handler.failAll(.requestTimedOut(api: api, after: timeout), context: context)
            }
            pending.append(Pending(correlationId: correlationId, apiKey: api, promise: response, timer: timer))
        }
        context.write(wrapOutboundOut(request.frame), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        if received == nil {
            received = incoming
        } else {
            received?.writeBuffer(&incoming)
        }
        guard var buffer = received else { return }
        received = nil
        do {
            while let frame = try decoder.nextFrame(from: &buffer) {
                guard let correlationId = frame.getInteger(at: frame.readerIndex, as: Int32.self) else {
                    throw KafkaClientError.wire(.truncated)
                }
                guard let head = pending.popFirst() else {
                    throw KafkaClientError.correlationMismatch(expected: -1, received: correlationId)
                }
                head.timer?.cancel()
                guard head.correlationId == correlationId else {
                    head.promise.fail(
                        KafkaClientError.correlationMismatch(expected: head.correlationId, received: correlationId))
                    throw KafkaClientError.correlationMismatch(expected: head.correlationId, received: correlationId)
                }
                head.promise.succeed(frame)
            }
        } catch {
            failAll(KafkaClientError(error), context: context)
            return
        }
        if buffer.readableBytes > 0 {
            buffer.discardReadBytes()
            received = buffer
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(.connectionClosed(reason: "the broker closed the connection"), context: context)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        failAll(.connectionClosed(reason: "\(error)"), context: context)
    }

    private func failAll(_ error: KafkaClientError, context: ChannelHandlerContext) {
        if failure == nil { failure = error }
        while let head = pending.popFirst() {
            head.timer?.cancel()
            head.promise.fail(error)
        }
        context.close(promise: nil)
    }
}
