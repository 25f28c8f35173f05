import Storage

/// Why one JSON line does not fit the schema.
struct LineConversionError: Error {
    let reason: String
}

/// Collects one column's values from JSON lines into a typed Parquet column buffer.
struct JSONColumnBuilder {
    /// One converted value, checked before any column of its line is touched.
    enum Cell {
        case null
        case boolean(Bool)
        case int32(Int32)
        case int64(Int64)
        case double(Double)
        case text(String)
    }

    let column: ParquetColumn
    /// Whether a line must carry a non-null value even though the Parquet column is OPTIONAL.
    let valueRequired: Bool
    private var booleans: [Bool] = []
    private var int32s: [Int32] = []
    private var int64s: [Int64] = []
    private var doubles: [Double] = []
    private var texts = ParquetByteArrays()
    private var validity: [Bool] = []
    private var hasNull = false

    init(column: ParquetColumn, valueRequired: Bool = false) {
        self.column = column
        self.valueRequired = valueRequired
    }

    /// Converts `value` (nil when the line lacks the field) to this column's type.
    func cell(for value: JSONValue?) throws(LineConversionError) -> Cell {
        guard let value, value != .null else {
            guard column.repetition == .optional && !valueRequired else { throw fail("is required") }
            return .null
        }
        switch (column.physicalType, column.logicalType) {
        case (.boolean, _):
            guard case .bool(let flag) = value else { throw fail("expected true or false", value) }
            return .boolean(flag)
        case (.int32, _):
            guard case .integer(let integer) = value, let narrow = Int32(exactly: integer) else {
                throw fail("expected a 32-bit integer", value)
            }
            return .int32(narrow)
        case (.int64, .timestamp(let unit, _)):
            let micros: Int64
            switch value {
            case .string(let text):
                guard let parsed = ISO8601Timestamp.parseMicros(text) else {
                    throw fail("expected an ISO-8601 timestamp", value)
                }
                micros = parsed
            case .integer(let millis):
                // Epoch milliseconds, as some producers send.
                let (product, overflow) = millis.multipliedReportingOverflow(by: 1000)
                guard !overflow else { throw fail("timestamp out of range", value) }
                micros = product
            default:
                throw fail("expected an ISO-8601 timestamp", value)
            }
            return .int64(unit == .millis ? micros / 1000 : micros)
        case (.int64, _):
            guard case .integer(let integer) = value else { throw fail("expected an integer", value) }
            return .int64(integer)
        case (.double, _):
            switch value {
            case .double(let number): return .double(number)
            case .integer(let integer): return .double(Double(integer))
            default: throw fail("expected a number", value)
            }
        case (.byteArray, _):
            switch value {
            case .string(let text): return .text(text)
            case .nested(let text): return .text(text)
            case .integer(let integer): return .text(String(integer))
            case .double(let number): return .text(String(number))
            case .bool(let flag): return .text(flag ? "true" : "false")
            case .null: return .null
            }
        default:
            throw fail("has a type JSON lines cannot fill")
        }
    }

    /// Appends a cell made by `cell(for:)` of this builder.
    mutating func append(_ cell: Cell) {
        switch cell {
        case .null:
            hasNull = true
            validity.append(false)
            return
        case .boolean(let value): booleans.append(value)
        case .int32(let value): int32s.append(value)
        case .int64(let value): int64s.append(value)
        case .double(let value): doubles.append(value)
        case .text(let value): texts.append(value)
        }
        validity.append(true)
    }

    /// The rows collected since the last call, as a Parquet column buffer; the builder empties.
    mutating func take() -> ParquetColumnBuffer {
        let values: ParquetColumnValues
        switch column.physicalType {
        case .boolean: values = .boolean(booleans)
        case .int32: values = .int32(int32s)
        case .double: values = .double(doubles)
        case .byteArray: values = .byteArray(texts)
        default: values = .int64(int64s)
        }
        let buffer = ParquetColumnBuffer(values, validity: hasNull ? validity : nil)
        self = JSONColumnBuilder(column: column, valueRequired: valueRequired)
        return buffer
    }

    private func fail(_ reason: String, _ value: JSONValue? = nil) -> LineConversionError {
        let shown = value.map { " (got \(Self.describe($0)))" } ?? ""
        return LineConversionError(reason: "field '\(column.name)' \(reason)\(shown)")
    }

    private static func describe(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool(let flag): String(flag)
        case .integer(let integer): String(integer)
        case .double(let number): String(number)
        case .string(let text): "\"\(text.prefix(40))\""
        case .nested: "an object or array"
        }
    }
}
