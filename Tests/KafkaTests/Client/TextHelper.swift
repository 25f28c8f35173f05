import NIOCore

/// A buffer's bytes as UTF-8 text, for comparing record keys and values.
func text(_ buffer: ByteBuffer?) -> String? {
    buffer.map { String(decoding: $0.readableBytesView, as: UTF8.self) }
}
