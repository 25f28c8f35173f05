/// Why a codec could not compress or decompress its input.
public enum CodecError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The input is not valid data for the codec.
    case corrupt(codec: String, reason: String)
    /// The input ends before the compressed stream does.
    case truncated(codec: String)
    /// Decompressing would produce more than the caller's limit.
    case outputTooLarge(codec: String, limit: Int)
    /// The input is larger than the codec's C interface accepts in one call.
    case inputTooLarge(codec: String, size: Int)
    /// The C library failed for a reason that is not the input's fault (out of memory).
    case libraryFailure(codec: String, reason: String)

    public var description: String {
        switch self {
        case .corrupt(let codec, let reason): "\(codec): corrupt input: \(reason)"
        case .truncated(let codec): "\(codec): truncated input"
        case .outputTooLarge(let codec, let limit): "\(codec): output larger than the limit of \(limit) bytes"
        case .inputTooLarge(let codec, let size): "\(codec): input of \(size) bytes is too large"
        case .libraryFailure(let codec, let reason): "\(codec): \(reason)"
        }
    }
}
