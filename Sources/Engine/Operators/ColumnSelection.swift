import Storage

/// Picks rows out of a column batch (to split a batch by Hive partition).
enum ColumnSelection {
    /// The rows `rows` (ascending) of every column.
    static func select(_ columns: [ParquetColumnBuffer], rows: [Int]) -> [ParquetColumnBuffer] {
        columns.map { select($0, rows: rows) }
    }

    static func select(_ column: ParquetColumnBuffer, rows: [Int]) -> ParquetColumnBuffer {
        // Value index of each row: rows before it that are not null.
        var valueIndex: [Int] = []
        var validity: [Bool]?
        if let mask = column.validity {
            var next = 0
            var indexOf = [Int](repeating: -1, count: mask.count)
            for (row, present) in mask.enumerated() where present {
                indexOf[row] = next
                next += 1
            }
            validity = rows.map { mask[$0] }
            valueIndex = rows.compactMap { indexOf[$0] >= 0 ? indexOf[$0] : nil }
        } else {
            valueIndex = rows
        }
        let values: ParquetColumnValues =
            switch column.values {
            case .boolean(let v): .boolean(valueIndex.map { v[$0] })
            case .int32(let v): .int32(valueIndex.map { v[$0] })
            case .int64(let v): .int64(valueIndex.map { v[$0] })
            case .float(let v): .float(valueIndex.map { v[$0] })
            case .double(let v): .double(valueIndex.map { v[$0] })
            case .byteArray(let v): .byteArray(select(v, valueIndex))
            case .fixedLenByteArray(let v): .fixedLenByteArray(select(v, valueIndex))
            }
        return ParquetColumnBuffer(values, validity: validity)
    }

    private static func select(_ arrays: ParquetByteArrays, _ indices: [Int]) -> ParquetByteArrays {
        var result = ParquetByteArrays()
        result.offsets.reserveCapacity(indices.count + 1)
        arrays.bytes.withUnsafeBytes { bytes in
            for index in indices {
                let start = Int(arrays.offsets[index])
                let end = Int(arrays.offsets[index + 1])
                result.append(bytes: UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
            }
        }
        return result
    }
}
