/// A flat Parquet schema: a list of top-level primitive columns.
public struct ParquetSchema: Sendable, Hashable {
    public var columns: [ParquetColumn]

    public init(_ columns: [ParquetColumn]) {
        self.columns = columns
    }

    /// Index of the column named `name`.
    public func index(of name: String) -> Int? {
        columns.firstIndex { $0.name == name }
    }

    /// Checks names and that each logical type fits its physical type.
    func validate() throws(ParquetError) {
        var names = Set<String>()
        for column in columns {
            guard !column.name.isEmpty, names.insert(column.name).inserted else {
                throw .invalidArgument("column names must be unique and non-empty ('\(column.name)')")
            }
            try column.validate()
        }
    }
}

extension ParquetColumn {
    func validate() throws(ParquetError) {
        let bad = ParquetError.invalidArgument(
            "column '\(name)': \(String(describing: logicalType)) does not fit \(physicalType)")
        switch physicalType {
        case .int96: throw .invalidArgument("column '\(name)': INT96 is read-only")
        case .fixedLenByteArray(let length):
            guard length > 0 && length <= Int(Int32.max) else { throw .invalidArgument("column '\(name)': bad length") }
        default: break
        }
        guard let logicalType else { return }
        switch (logicalType, physicalType) {
        case (.string, .byteArray), (.json, .byteArray), (.enumeration, .byteArray), (.date, .int32),
            (.uuid, .fixedLenByteArray(16)), (.float16, .fixedLenByteArray(2)):
            return
        case (.timestamp(let unit, _), .int64):
            guard unit != .nanos else { throw .invalidArgument("column '\(name)': TIMESTAMP(NANOS) is not portable") }
        case (.time(.millis, _), .int32), (.time(.micros, _), .int64), (.time(.nanos, _), .int64): return
        case (.decimal(let precision, let scale), _):
            guard precision >= 1, scale >= 0, scale <= precision else { throw bad }
            switch physicalType {
            case .int32: guard precision <= 9 else { throw bad }
            case .int64: guard precision <= 18 else { throw bad }
            case .fixedLenByteArray(let length):
                guard precision <= Self.maxDecimalPrecision(bytes: length) else { throw bad }
            case .byteArray: return
            default: throw bad
            }
        case (.integer(let bits, _), .int32): guard [8, 16, 32].contains(bits) else { throw bad }
        case (.integer(64, _), .int64): return
        default: throw bad
        }
    }

    static func maxDecimalPrecision(bytes: Int) -> Int {
        Int((Double(bytes * 8 - 1) * 0.30102999566398120).rounded(.down))
    }
}
