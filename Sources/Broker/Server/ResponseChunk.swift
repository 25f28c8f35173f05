import NIOCore

/// A piece of a response frame on its way to the socket: bytes, or batches left in a segment file
/// (sent with sendfile by `ResponseChunkWriter`).
package enum ResponseChunk: Sendable {
    case bytes(ByteBuffer)
    case file(LogFileSlice)

    /// Bytes on the wire.
    package var length: Int {
        switch self {
        case .bytes(let buffer): buffer.readableBytes
        case .file(let slice): slice.length
        }
    }
}

/// Turns response chunks into writes: bytes as they are, a file slice as a `FileRegion` over the
/// slice's own descriptor, closed once the write completed or failed (one descriptor per region, so
/// a segment rolled or deleted meanwhile does not matter).
final class ResponseChunkWriter: ChannelOutboundHandler {
    typealias OutboundIn = ResponseChunk
    typealias OutboundOut = IOData

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .bytes(let buffer):
            context.write(wrapOutboundOut(.byteBuffer(buffer)), promise: promise)
        case .file(let slice):
            guard let descriptor = slice.take() else {
                promise?.fail(ChannelError.inappropriateOperationForState)
                return
            }
            let handle = NIOFileHandle(_deprecatedTakingOwnershipOfDescriptor: descriptor)
            let region = FileRegion(
                fileHandle: handle, readerIndex: slice.position, endIndex: slice.position + slice.length)
            let written = context.eventLoop.makePromise(of: Void.self)
            written.futureResult.whenComplete { _ in try? handle.close() }
            if let promise { written.futureResult.cascade(to: promise) }
            context.write(wrapOutboundOut(.fileRegion(region)), promise: written)
        }
    }
}
