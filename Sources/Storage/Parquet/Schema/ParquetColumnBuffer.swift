/// Values of one column, by physical type. Holds only non-null values, in row order.
public enum ParquetColumnValues: Sendable, Equatable {
    case boolean([Bool])
    case int32([Int32])
    /// INT64 columns; INT96 columns are read as Int64 microseconds since the epoch.
    case int64([Int64])
    case float([Float])
    case double([Double])
    case byteArray(ParquetByteArrays)
    case fixedLenByteArray(ParquetByteArrays)

    /// Number of (non-null) values.
    public var count: Int {
        switch self {
        case .boolean(let v): v.count
        case .int32(let v): v.count
        case .int64(let v): v.count
        case .float(let v): v.count
        case .double(let v): v.count
        case .byteArray(let v): v.count
        case .fixedLenByteArray(let v): v.count
        }
    }
}

/// A batch of one column: dense non-null values plus an optional validity mask with one entry per row.
///
/// `validity == nil` means every row has a value (`rowCount == values.count`). Otherwise
/// `validity[i]` tells whether row `i` is non-null, and `values` holds one value per `true`.
public struct ParquetColumnBuffer: Sendable, Equatable {
    public var values: ParquetColumnValues
    public var validity: [Bool]?

    public init(_ values: ParquetColumnValues, validity: [Bool]? = nil) {
        self.values = values
        self.validity = validity
    }

    /// Rows in the batch, nulls included.
    public var rowCount: Int { validity?.count ?? values.count }

    /// Number of null rows.
    public var nullCount: Int { rowCount - values.count }

    /// Checks that the validity mask and the values agree.
    func validate(column: ParquetColumn) throws(ParquetError) {
        if let validity {
            guard column.repetition == .optional || !validity.contains(false) else {
                throw .invalidArgument("column '\(column.name)' is REQUIRED but the batch has nulls")
            }
            var present = 0
            for v in validity where v { present += 1 }
            guard present == values.count else {
                throw .invalidArgument(
                    "column '\(column.name)': \(present) non-null rows in the validity mask but \(values.count) values")
            }
        }
        switch (values, column.physicalType) {
        case (.boolean, .boolean), (.int32, .int32), (.int64, .int64), (.float, .float), (.double, .double),
            (.byteArray, .byteArray):
            return
        case (.fixedLenByteArray(let arrays), .fixedLenByteArray(let length)):
            for i in 0..<arrays.count where arrays.offsets[i + 1] - arrays.offsets[i] != length {
                throw .invalidArgument("column '\(column.name)': value \(i) is not \(length) bytes long")
            }
        default:
            throw .invalidArgument("column '\(column.name)': values do not match physical type \(column.physicalType)")
        }
    }
}
