import Storage

/// Why bytes could not be decoded as Kafka protocol data. Mapped to a Kafka error code in one
/// place by the broker (`CORRUPT_MESSAGE`, `INVALID_REQUEST`, `UNSUPPORTED_VERSION`…).
package enum WireError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The bytes end before the value does.
    case truncated
    /// A length or count is negative (and not the null marker) or does not fit the bytes.
    case invalidLength(Int64)
    /// A length or count is over the configured limit; nothing was allocated for it.
    case tooLarge(length: Int64, limit: Int64)
    /// A value is not one the protocol allows (an overlong varint, a non-UTF-8 string…).
    case invalidValue(String)
    /// The request names an API key this codec does not know.
    case unknownApiKey(Int16)
    /// The API exists but this version of it is not implemented.
    case unsupportedVersion(apiKey: Int16, version: Int16)
    /// A record batch has a magic byte other than 2 (0 and 1 are the legacy message sets).
    case unsupportedMagic(Int8)
    /// A record batch's CRC-32C does not match its bytes.
    case crcMismatch(expected: UInt32, actual: UInt32)
    /// A record batch's attributes name a compression codec that does not exist.
    case unknownCompression(Int16)
    /// Decompressing a record batch failed.
    case compression(CodecError)
    /// Bytes were left over after a message that should have ended the frame.
    case trailingBytes(Int)

    package var description: String {
        switch self {
        case .truncated: "truncated input"
        case .invalidLength(let length): "invalid length \(length)"
        case .tooLarge(let length, let limit): "length \(length) is over the limit of \(limit)"
        case .invalidValue(let reason): "invalid value: \(reason)"
        case .unknownApiKey(let key): "unknown api key \(key)"
        case .unsupportedVersion(let key, let version): "api key \(key) version \(version) is not supported"
        case .unsupportedMagic(let magic): "record batch magic \(magic) is not supported (only 2)"
        case .crcMismatch(let expected, let actual): "CRC-32C mismatch: header \(expected), computed \(actual)"
        case .unknownCompression(let bits): "unknown compression codec \(bits)"
        case .compression(let error): "decompression failed: \(error)"
        case .trailingBytes(let count): "\(count) unexpected bytes after the message"
        }
    }
}
