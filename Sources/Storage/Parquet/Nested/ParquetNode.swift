/// A node of a nested Parquet schema: a flat column, a struct, a list or a map. Lists and maps take the
/// standard three-level shapes (`LIST`: `<name> { repeated group list { <element> } }`; `MAP`:
/// `<name> { repeated group key_value { required <key>; <value> } }`), as pyarrow and Spark write them.
package indirect enum ParquetNode: Sendable, Hashable {
    case leaf(ParquetColumn)
    case group(name: String, repetition: ParquetRepetition, children: [ParquetNode])
    case list(name: String, repetition: ParquetRepetition, element: ParquetNode)
    case map(name: String, repetition: ParquetRepetition, key: ParquetColumn, value: ParquetNode)

    package var name: String {
        switch self {
        case .leaf(let column): column.name
        case .group(let name, _, _), .list(let name, _, _), .map(let name, _, _, _): name
        }
    }

    var isOptional: Bool {
        switch self {
        case .leaf(let column): column.repetition == .optional
        case .group(_, let repetition, _), .list(_, let repetition, _), .map(_, let repetition, _, _):
            repetition == .optional
        }
    }

    /// A map's key/value pair as the group it is stored as.
    static func keyValue(key: ParquetColumn, value: ParquetNode) -> [ParquetNode] {
        var required = key
        required.repetition = .required
        return [.leaf(required), value]
    }
}

/// A value of a nested record, shaped like its `ParquetNode`.
package indirect enum ParquetValue: Sendable, Hashable {
    case null
    case boolean(Bool)
    case int32(Int32)
    case int64(Int64)
    case float(Float)
    case double(Double)
    case bytes([UInt8])
    /// A struct's fields, in schema order.
    case group([ParquetValue])
    case list([ParquetValue])
    case map([MapEntry])

    package struct MapEntry: Sendable, Hashable {
        package var key: ParquetValue
        package var value: ParquetValue

        package init(_ key: ParquetValue, _ value: ParquetValue) {
            self.key = key
            self.value = value
        }
    }

    package static func string(_ text: String) -> ParquetValue { .bytes(Array(text.utf8)) }

    /// A string, or null.
    package static func string(_ text: String?) -> ParquetValue { text.map { .bytes(Array($0.utf8)) } ?? .null }

    /// A map of strings to strings (null values allowed).
    package static func stringMap(_ entries: [String: String?]) -> ParquetValue {
        .map(entries.sorted { $0.key < $1.key }.map { MapEntry(.string($0.key), .string($0.value)) })
    }
}
