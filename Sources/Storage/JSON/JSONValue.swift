/// One value of a flat JSON object, as JSON lines carry them.
public enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    /// A number written without fraction or exponent that fits in 64 bits.
    case integer(Int64)
    case double(Double)
    case string(String)
    /// An object or array, kept as its JSON text: flat schemas store it as a string.
    case nested(String)
}

/// Why a line is not a flat JSON object.
public struct JSONError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Byte offset in the line where parsing stopped.
    public let offset: Int
    public let reason: String

    public var description: String { "\(reason) at byte \(offset + 1)" }
}
