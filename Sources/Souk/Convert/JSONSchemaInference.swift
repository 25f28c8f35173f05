import Storage

/// Infers a flat Parquet schema from JSON lines: string, int64, double, bool, or a UTC timestamp
/// when every string of a field is ISO-8601. Every column is OPTIONAL; fields keep the order in
/// which they first appear.
struct JSONSchemaInference {
    /// What a field has held so far.
    enum Kind {
        case onlyNulls, boolean, integer, double, timestamp, string
        /// Values of incompatible kinds: stored as their JSON text.
        case mixed

        func merged(with other: Kind) -> Kind {
            switch (self, other) {
            case (.onlyNulls, _): other
            case (_, .onlyNulls): self
            case _ where self == other: self
            case (.integer, .double), (.double, .integer): .double
            case (.timestamp, .string), (.string, .timestamp): .string
            default: .mixed
            }
        }
    }

    private(set) var names: [String] = []
    private var kinds: [String: Kind] = [:]

    /// Takes one parsed line into account.
    mutating func observe(_ fields: [(key: String, value: JSONValue)]) {
        for (key, value) in fields {
            let kind = Self.kind(of: value)
            if let known = kinds[key] {
                kinds[key] = known.merged(with: kind)
            } else {
                names.append(key)
                kinds[key] = kind
            }
        }
    }

    /// The inferred columns.
    var columns: [ParquetColumn] {
        names.map { name in
            switch kinds[name] ?? .onlyNulls {
            case .boolean: .boolean(name)
            case .integer: .int64(name)
            case .double: .double(name)
            case .timestamp: .timestamp(name, unit: .micros, isAdjustedToUTC: true)
            case .string, .mixed, .onlyNulls: .string(name)
            }
        }
    }

    static func kind(of value: JSONValue) -> Kind {
        switch value {
        case .null: .onlyNulls
        case .bool: .boolean
        case .integer: .integer
        case .double: .double
        case .string(let text): ISO8601Timestamp.parseMicros(text) == nil ? .string : .timestamp
        case .nested: .mixed
        }
    }
}
