import Storage

/// The compression codec of a record batch: bits 0–2 of its attributes.
package enum RecordCompression: Int16, CaseIterable, Sendable {
    case none = 0
    case gzip = 1
    case snappy = 2
    case lz4 = 3
    case zstd = 4

    /// The codec that compresses and decompresses the batch's records, or nil for `none`.
    /// Snappy writes the raw block format (as librdkafka); decoding also takes xerial framing
    /// (Java clients, kafka-python). LZ4 is the LZ4 frame format.
    package func makeCodec() -> (any Codec)? {
        switch self {
        case .none: nil
        case .gzip: GzipCodec()
        case .snappy: SnappyCodec()
        case .lz4: LZ4FrameCodec()
        case .zstd: ZstdCodec()
        }
    }
}
