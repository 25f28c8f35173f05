/// What a file's footer says of one flat column over all its row groups: the smallest and largest value
/// (in the column's sort order) and the nulls, as table formats record them per file (Delta's `stats`).
public struct ParquetColumnSummary: Sendable, Equatable {
    public var column: ParquetColumn
    /// Nil when a row group has no usable statistics, or the column holds only nulls.
    public var min: ParquetPredicate.Value?
    public var max: ParquetPredicate.Value?
    /// Nil when a row group does not count its nulls.
    public var nullCount: Int64?

    public init(column: ParquetColumn, min: ParquetPredicate.Value?, max: ParquetPredicate.Value?, nullCount: Int64?) {
        self.column = column
        self.min = min
        self.max = max
        self.nullCount = nullCount
    }
}

extension ParquetFileReader {
    /// The summary of every flat column, in schema order, from the footer alone.
    public func columnSummaries() -> [ParquetColumnSummary] {
        leaves.enumerated().compactMap { leafIndex, leaf in
            guard let column = leaf.column else { return nil }
            return summary(of: column, leafIndex: leafIndex)
        }
    }

    private func summary(of column: ParquetColumn, leafIndex: Int) -> ParquetColumnSummary {
        let order = StatisticsOrder(column)
        let typeDefined = metadata.columnOrders.map { leafIndex < $0.count && $0[leafIndex] == .typeDefined } ?? false
        var low: StatisticValue?
        var high: StatisticValue?
        var nulls: Int64? = 0
        var bounded = true
        for group in metadata.rowGroups where group.numRows > 0 {
            guard let stats = group.columns[leafIndex].metaData?.statistics else {
                bounded = false
                nulls = nil
                continue
            }
            if let count = stats.nullCount { nulls = nulls.map { $0 + count } } else { nulls = nil }
            if stats.nullCount == group.numRows { continue }
            var minBytes = stats.minValue
            var maxBytes = stats.maxValue
            if minBytes == nil || maxBytes == nil, !typeDefined || order == .signed || order == .floating,
                order == .signed || order == .floating || order == .boolean
            {
                minBytes = stats.legacyMin
                maxBytes = stats.legacyMax
            }
            guard let minBytes, let maxBytes, let min = Self.decodeStatistic(minBytes, column: column),
                let max = Self.decodeStatistic(maxBytes, column: column)
            else {
                bounded = false
                continue
            }
            if low.map({ order.less(min, $0) }) ?? true { low = min }
            if high.map({ order.less($0, max) }) ?? true { high = max }
        }
        return ParquetColumnSummary(
            column: column, min: bounded ? low.map { Self.publicValue($0, column: column) } : nil,
            max: bounded ? high.map { Self.publicValue($0, column: column) } : nil, nullCount: nulls)
    }

    private static func publicValue(_ value: StatisticValue, column: ParquetColumn) -> ParquetPredicate.Value {
        switch value {
        case .boolean(let v): return .boolean(v)
        case .int32(let v): return .integer(Int64(v))
        case .int64(let v): return .integer(v)
        case .float(let v): return .double(Double(v))
        case .double(let v): return .double(v)
        case .bytes(let v):
            if column.logicalType == .string || column.logicalType == .json || column.logicalType == .enumeration,
                let text = String(validating: v, as: UTF8.self)
            {
                return .string(text)
            }
            return .bytes(v)
        }
    }
}
