/// Typed storage that page decoders append to; INT96 values are stored as Int64 microseconds.
struct ValueAccumulator {
    let physicalType: ParquetPhysicalType
    var booleans: [Bool] = []
    var int32s: [Int32] = []
    var int64s: [Int64] = []
    var floats: [Float] = []
    var doubles: [Double] = []
    var bytes = ParquetByteArrays()

    init(_ physicalType: ParquetPhysicalType) { self.physicalType = physicalType }

    /// Reserves room for `values` values (and `bytes` bytes of byte arrays) up front, so a chunk's
    /// pages append without regrowing. Callers bound both by what the chunk can really hold.
    mutating func reserve(values: Int, bytes byteCount: Int) {
        switch physicalType {
        case .boolean: booleans.reserveCapacity(values)
        case .int32: int32s.reserveCapacity(values)
        case .int64, .int96: int64s.reserveCapacity(values)
        case .float: floats.reserveCapacity(values)
        case .double: doubles.reserveCapacity(values)
        case .byteArray, .fixedLenByteArray: bytes.reserveCapacity(values: values, bytes: byteCount)
        }
    }

    /// Empties the values, keeping the storage for the next ones.
    mutating func removeAll() {
        booleans.removeAll(keepingCapacity: true)
        int32s.removeAll(keepingCapacity: true)
        int64s.removeAll(keepingCapacity: true)
        floats.removeAll(keepingCapacity: true)
        doubles.removeAll(keepingCapacity: true)
        bytes.removeAll(keepingCapacity: true)
    }

    var count: Int {
        switch physicalType {
        case .boolean: booleans.count
        case .int32: int32s.count
        case .int64, .int96: int64s.count
        case .float: floats.count
        case .double: doubles.count
        case .byteArray, .fixedLenByteArray: bytes.count
        }
    }

    var values: ParquetColumnValues {
        switch physicalType {
        case .boolean: .boolean(booleans)
        case .int32: .int32(int32s)
        case .int64, .int96: .int64(int64s)
        case .float: .float(floats)
        case .double: .double(doubles)
        case .byteArray: .byteArray(bytes)
        case .fixedLenByteArray: .fixedLenByteArray(bytes)
        }
    }

    /// Appends `dictionary[i]` for each index, checking every index.
    mutating func gather(_ indices: [UInt32], from dictionary: ValueAccumulator) throws(ParquetError) {
        let limit = UInt32(clamping: dictionary.count)
        for i in indices where i >= limit { throw .corrupt("dictionary index \(i) out of \(limit) entries") }
        switch physicalType {
        case .boolean: for i in indices { booleans.append(dictionary.booleans[Int(i)]) }
        case .int32:
            int32s.reserveAdditional(indices.count)
            dictionary.int32s.withUnsafeBufferPointer { d in for i in indices { int32s.append(d[Int(i)]) } }
        case .int64, .int96:
            int64s.reserveAdditional(indices.count)
            dictionary.int64s.withUnsafeBufferPointer { d in for i in indices { int64s.append(d[Int(i)]) } }
        case .float:
            floats.reserveAdditional(indices.count)
            dictionary.floats.withUnsafeBufferPointer { d in for i in indices { floats.append(d[Int(i)]) } }
        case .double:
            doubles.reserveAdditional(indices.count)
            dictionary.doubles.withUnsafeBufferPointer { d in for i in indices { doubles.append(d[Int(i)]) } }
        case .byteArray, .fixedLenByteArray:
            try indices.withUnsafeBufferPointer { (indices) throws(ParquetError) in
                try bytes.appendGathered(from: dictionary.bytes, indices: indices)
            }
        }
    }
}
