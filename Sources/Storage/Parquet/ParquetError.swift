/// Why a Parquet file could not be written or read.
public enum ParquetError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The bytes are not a valid Parquet file (bad magic, footer, Thrift, page or encoding).
    case corrupt(String)
    /// A length or count in the file exceeds what the file holds or the configured maximum.
    case sizeLimitExceeded(what: String, size: Int, limit: Int)
    /// The file uses a feature this implementation does not read (an unknown codec or encoding).
    case unsupported(String)
    /// The requested column is part of a nested (LIST, MAP or STRUCT) schema.
    case unsupportedNestedColumn(String)
    /// No column of this name exists in the schema.
    case unknownColumn(String)
    /// A page's CRC does not match its bytes.
    case checksumMismatch(expected: UInt32, actual: UInt32)
    /// A codec failed to compress or decompress a page.
    case codec(CodecError)
    /// The caller passed data that does not match the schema or the writer's state.
    case invalidArgument(String)
    /// A file system call failed.
    case io(String)

    public var description: String {
        switch self {
        case .corrupt(let reason): "corrupt Parquet data: \(reason)"
        case .sizeLimitExceeded(let what, let size, let limit): "\(what) of \(size) exceeds the limit of \(limit)"
        case .unsupported(let what): "unsupported Parquet feature: \(what)"
        case .unsupportedNestedColumn(let path):
            "unsupported nested column '\(path)' (LIST, MAP and STRUCT are not read)"
        case .unknownColumn(let name): "no column named '\(name)'"
        case .checksumMismatch(let expected, let actual):
            "page CRC mismatch: header says \(expected), data has \(actual)"
        case .codec(let error): "Parquet page codec error: \(error)"
        case .invalidArgument(let reason): "invalid argument: \(reason)"
        case .io(let reason): "I/O error: \(reason)"
        }
    }
}
