/// A comparison of one column with a constant, used to skip row groups by their min/max statistics.
public struct ParquetPredicate: Sendable, Hashable {
    public enum Comparison: Sendable, Hashable {
        case equal, less, lessOrEqual, greater, greaterOrEqual
    }

    /// The constant, matched to the column's physical type.
    public enum Value: Sendable, Hashable {
        case integer(Int64)
        case double(Double)
        case boolean(Bool)
        case bytes([UInt8])
        case string(String)
    }

    public var column: String
    public var comparison: Comparison
    public var value: Value

    public init(column: String, _ comparison: Comparison, _ value: Value) {
        self.column = column
        self.comparison = comparison
        self.value = value
    }
}

extension ParquetFileReader {
    /// Indices of the row groups that may hold a row matching `predicate` (groups whose statistics
    /// rule it out are left out; groups without usable statistics are kept).
    public func rowGroups(matching predicate: ParquetPredicate) throws(ParquetError) -> [Int] {
        let leafIndex = try leafIndex(of: predicate.column)
        guard let column = leaves[leafIndex].column else { throw .unsupportedNestedColumn(predicate.column) }
        let order = StatisticsOrder(column)
        let typeDefined = metadata.columnOrders.map { leafIndex < $0.count && $0[leafIndex] == .typeDefined } ?? false
        return metadata.rowGroups.indices.filter { g in
            let group = metadata.rowGroups[g]
            guard group.numRows > 0 else { return false }
            guard let stats = group.columns[leafIndex].metaData?.statistics else { return true }
            if let nulls = stats.nullCount, nulls == group.numRows { return false }
            guard let constant = Self.statisticValue(predicate.value, column: column) else { return true }
            var minBytes = stats.minValue
            var maxBytes = stats.maxValue
            // The deprecated fields use signed order: only trust them where that is the type's order.
            if minBytes == nil || maxBytes == nil, !typeDefined || order == .signed || order == .floating {
                if order == .signed || order == .floating || order == .boolean {
                    minBytes = stats.legacyMin
                    maxBytes = stats.legacyMax
                }
            }
            guard let minBytes, let maxBytes,
                let min = Self.decodeStatistic(minBytes, column: column),
                let max = Self.decodeStatistic(maxBytes, column: column)
            else { return true }
            if case .double(let d) = constant, d.isNaN { return true }
            if case .float(let f) = constant, f.isNaN { return true }
            switch predicate.comparison {
            case .equal: return !order.less(constant, min) && !order.less(max, constant)
            case .less: return order.less(min, constant)
            case .lessOrEqual: return !order.less(constant, min)
            case .greater: return order.less(constant, max)
            case .greaterOrEqual: return !order.less(max, constant)
            }
        }
    }

    static func statisticValue(_ value: ParquetPredicate.Value, column: ParquetColumn) -> StatisticValue? {
        switch (value, column.physicalType) {
        case (.integer(let v), .int32): Int32(exactly: v).map { .int32($0) }
        case (.integer(let v), .int64): .int64(v)
        case (.integer(let v), .float): .float(Float(v))
        case (.integer(let v), .double): .double(Double(v))
        case (.double(let v), .float): .float(Float(v))
        case (.double(let v), .double): .double(v)
        case (.boolean(let v), .boolean): .boolean(v)
        case (.bytes(let v), .byteArray), (.bytes(let v), .fixedLenByteArray): .bytes(v)
        case (.string(let v), .byteArray): .bytes(Array(v.utf8))
        default: nil
        }
    }

    static func decodeStatistic(_ bytes: [UInt8], column: ParquetColumn) -> StatisticValue? {
        func load<T: FixedWidthInteger>(_ type: T.Type) -> T? {
            guard bytes.count == MemoryLayout<T>.size else { return nil }
            var v: T = 0
            for (i, b) in bytes.enumerated() { v |= T(truncatingIfNeeded: b) << (8 * i) }
            return v
        }
        switch column.physicalType {
        case .boolean: return bytes.count == 1 ? .boolean(bytes[0] != 0) : nil
        case .int32: return load(Int32.self).map { .int32($0) }
        case .int64: return load(Int64.self).map { .int64($0) }
        case .float:
            guard let bits = load(UInt32.self) else { return nil }
            let f = Float(bitPattern: bits)
            return f.isNaN ? nil : .float(f)
        case .double:
            guard let bits = load(UInt64.self) else { return nil }
            let d = Double(bitPattern: bits)
            return d.isNaN ? nil : .double(d)
        case .byteArray, .fixedLenByteArray: return .bytes(bytes)
        case .int96: return nil
        }
    }
}
