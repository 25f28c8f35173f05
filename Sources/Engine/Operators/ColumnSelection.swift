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

extension ColumnSelection {
    /// The row groups `groups` (each one buffer per column) as one buffer per column, in order.
    static func concatenate(_ groups: [[ParquetColumnBuffer]], columnCount: Int) -> [ParquetColumnBuffer] {
        (0..<columnCount).map { column in concatenate(groups.map { $0[column] }) }
    }

    private static func concatenate(_ buffers: [ParquetColumnBuffer]) -> ParquetColumnBuffer {
        var validity: [Bool]? = buffers.contains { $0.validity != nil } ? [] : nil
        for buffer in buffers {
            validity?.append(contentsOf: buffer.validity ?? Array(repeating: true, count: buffer.rowCount))
        }
        func joined<T>(_ extract: (ParquetColumnValues) -> [T]?) -> [T] {
            var all: [T] = []
            for buffer in buffers { all += extract(buffer.values) ?? [] }
            return all
        }
        func joinedBytes() -> ParquetByteArrays {
            var all = ParquetByteArrays()
            for buffer in buffers {
                switch buffer.values {
                case .byteArray(let more), .fixedLenByteArray(let more):
                    for index in 0..<more.count { all.append(more[index]) }
                default: break
                }
            }
            return all
        }
        let values: ParquetColumnValues
        switch buffers.first?.values ?? .int64([]) {
        case .boolean: values = .boolean(joined { if case .boolean(let v) = $0 { return v } else { return nil } })
        case .int32: values = .int32(joined { if case .int32(let v) = $0 { return v } else { return nil } })
        case .int64: values = .int64(joined { if case .int64(let v) = $0 { return v } else { return nil } })
        case .float: values = .float(joined { if case .float(let v) = $0 { return v } else { return nil } })
        case .double: values = .double(joined { if case .double(let v) = $0 { return v } else { return nil } })
        case .byteArray: values = .byteArray(joinedBytes())
        case .fixedLenByteArray: values = .fixedLenByteArray(joinedBytes())
        }
        return ParquetColumnBuffer(values, validity: validity)
    }
}
