import Storage

/// Joins the column batches of several chunks into one batch, column by column.
enum ColumnConcatenation {
    /// `batches[i][c]` is column `c` of batch `i`; every batch has the same columns and types.
    static func concatenate(_ batches: [[ParquetColumnBuffer]]) -> [ParquetColumnBuffer] {
        let batches = batches.filter { ($0.first?.rowCount ?? 0) > 0 }
        guard let first = batches.first else { return [] }
        guard batches.count > 1 else { return first }
        return first.indices.map { column in
            let parts = batches.map { $0[column] }
            let validity: [Bool]? =
                parts.contains { $0.validity != nil }
                ? parts.flatMap { $0.validity ?? Array(repeating: true, count: $0.rowCount) } : nil
            return ParquetColumnBuffer(concatenate(parts.map(\.values)), validity: validity)
        }
    }

    private static func concatenate(_ values: [ParquetColumnValues]) -> ParquetColumnValues {
        func all<T>(_ extract: (ParquetColumnValues) -> [T]?) -> [T] {
            var result: [T] = []
            for value in values { result.append(contentsOf: extract(value) ?? []) }
            return result
        }
        func arrays(_ extract: (ParquetColumnValues) -> ParquetByteArrays?) -> ParquetByteArrays {
            joined(values.compactMap(extract))
        }
        switch values.first {
        case .boolean: return .boolean(all { if case .boolean(let v) = $0 { v } else { nil } })
        case .int32: return .int32(all { if case .int32(let v) = $0 { v } else { nil } })
        case .int64: return .int64(all { if case .int64(let v) = $0 { v } else { nil } })
        case .float: return .float(all { if case .float(let v) = $0 { v } else { nil } })
        case .double: return .double(all { if case .double(let v) = $0 { v } else { nil } })
        case .byteArray: return .byteArray(arrays { if case .byteArray(let v) = $0 { v } else { nil } })
        case .fixedLenByteArray:
            return .fixedLenByteArray(arrays { if case .fixedLenByteArray(let v) = $0 { v } else { nil } })
        case nil: return .int32([])
        }
    }

    private static func joined(_ arrays: [ParquetByteArrays]) -> ParquetByteArrays {
        var result = ParquetByteArrays()
        result.bytes.reserveCapacity(arrays.reduce(0) { $0 + $1.bytes.count })
        result.offsets.reserveCapacity(arrays.reduce(1) { $0 + $1.offsets.count - 1 })
        for array in arrays {
            let base = Int32(result.bytes.count)
            result.bytes.append(contentsOf: array.bytes)
            for offset in array.offsets.dropFirst() { result.offsets.append(base + offset) }
        }
        return result
    }
}
