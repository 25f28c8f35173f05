/// Why bytes that should hold one RecordBatch v2 are not a valid one.
package enum BatchDefect: Error, Sendable, Equatable, CustomStringConvertible {
    /// Fewer bytes remain than the header or the declared length needs.
    case truncated(available: Int, needed: Int)
    /// The batchLength field is below the header's size or above the allowed maximum.
    case lengthOutOfRange(batchLength: Int32, maximum: Int)
    /// The magic byte is not 2; only RecordBatch v2 is stored.
    case unsupportedMagic(Int8)
    /// The stored CRC-32C does not match the bytes it covers.
    case checksumMismatch(stored: UInt32, computed: UInt32)
    /// lastOffsetDelta or recordsCount is negative.
    case invalidOffsetDelta(Int32)
    /// A batch found on disk does not carry the offset the log expected there.
    case unexpectedBaseOffset(found: Int64, expected: Int64)
    /// An append carried no batch at all.
    case empty

    package var description: String {
        switch self {
        case .truncated(let available, let needed): "truncated: \(available) of \(needed) bytes"
        case .lengthOutOfRange(let length, let maximum): "batchLength \(length) outside 49...\(maximum)"
        case .unsupportedMagic(let magic): "magic \(magic), expected 2"
        case .checksumMismatch(let stored, let computed): "CRC-32C stored \(stored), computed \(computed)"
        case .invalidOffsetDelta(let delta): "negative lastOffsetDelta or recordsCount \(delta)"
        case .unexpectedBaseOffset(let found, let expected): "baseOffset \(found), expected \(expected)"
        case .empty: "no batch"
        }
    }
}
