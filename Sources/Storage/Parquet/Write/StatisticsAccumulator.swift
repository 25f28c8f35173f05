#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One min or max value in its typed form.
enum StatisticValue: Sendable, Hashable {
    case boolean(Bool)
    case int32(Int32)
    case int64(Int64)
    case float(Float)
    case double(Double)
    case bytes([UInt8])
}

/// The type-defined sort order of a column's statistics.
enum StatisticsOrder: Sendable {
    case signed, unsigned, floating, boolean
    /// Byte strings compared as unsigned bytes (strings, binary, UUID).
    case unsignedBytes
    /// Big-endian two's complement of the same length (DECIMAL on byte arrays).
    case signedBytes

    init(_ column: ParquetColumn) {
        switch column.physicalType {
        case .boolean: self = .boolean
        case .int32, .int64: self = column.usesUnsignedOrder ? .unsigned : .signed
        case .float, .double: self = .floating
        case .byteArray, .fixedLenByteArray:
            if case .decimal = column.logicalType { self = .signedBytes } else { self = .unsignedBytes }
        case .int96: self = .unsignedBytes
        }
    }

    /// Whether `a` sorts strictly before `b`.
    func less(_ a: StatisticValue, _ b: StatisticValue) -> Bool {
        switch (a, b) {
        case (.boolean(let x), .boolean(let y)): return !x && y
        case (.int32(let x), .int32(let y)):
            return self == .unsigned ? UInt32(bitPattern: x) < UInt32(bitPattern: y) : x < y
        case (.int64(let x), .int64(let y)):
            return self == .unsigned ? UInt64(bitPattern: x) < UInt64(bitPattern: y) : x < y
        case (.float(let x), .float(let y)): return x < y
        case (.double(let x), .double(let y)): return x < y
        case (.bytes(let x), .bytes(let y)):
            return x.withUnsafeBufferPointer { xp in
                y.withUnsafeBufferPointer { yp in Self.compareBytes(xp, yp, signed: self == .signedBytes) < 0 }
            }
        default: return false
        }
    }

    /// Three-way comparison of byte strings; `signed` compares big-endian two's complement numbers.
    static func compareBytes(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>, signed: Bool) -> Int {
        if signed {
            let aNegative = a.first.map { $0 >= 0x80 } ?? false
            let bNegative = b.first.map { $0 >= 0x80 } ?? false
            if aNegative != bNegative { return aNegative ? -1 : 1 }
            if a.count != b.count { return (a.count < b.count) != aNegative ? -1 : 1 }
        }
        let n = min(a.count, b.count)
        if n > 0, let left = a.baseAddress, let right = b.baseAddress {
            let order = memcmp(left, right, n)
            if order != 0 { return order < 0 ? -1 : 1 }
        }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }
}

/// Running min, max and null count of a page or a column chunk.
struct StatisticsAccumulator {
    let order: StatisticsOrder
    private(set) var min: StatisticValue?
    private(set) var max: StatisticValue?
    var nullCount = 0
    /// Values seen, nulls excluded (NaN included).
    var valueCount = 0

    init(order: StatisticsOrder) { self.order = order }

    mutating func merge(_ other: StatisticsAccumulator) {
        nullCount += other.nullCount
        valueCount += other.valueCount
        if let m = other.min { offerMin(m) }
        if let m = other.max { offerMax(m) }
    }

    private mutating func offerMin(_ value: StatisticValue) {
        if let current = min, !order.less(value, current) { return }
        min = value
    }

    private mutating func offerMax(_ value: StatisticValue) {
        if let current = max, !order.less(current, value) { return }
        max = value
    }

    /// Smallest and largest of `values[range]`, compared as signed, or as their unsigned bit patterns.
    private static func extremes<
        Signed: FixedWidthInteger & SignedInteger, Unsigned: FixedWidthInteger & UnsignedInteger
    >(
        _ values: [Signed], _ range: Range<Int>, unsigned: Bool, as _: Unsigned.Type
    ) -> (Signed, Signed) where Unsigned.Magnitude == Unsigned {
        if unsigned {
            var lo = Unsigned.max
            var hi = Unsigned.min
            for i in range {
                let x = Unsigned(truncatingIfNeeded: values[i])
                lo = Swift.min(lo, x)
                hi = Swift.max(hi, x)
            }
            return (Signed(truncatingIfNeeded: lo), Signed(truncatingIfNeeded: hi))
        }
        var lo = Signed.max
        var hi = Signed.min
        for i in range {
            lo = Swift.min(lo, values[i])
            hi = Swift.max(hi, values[i])
        }
        return (lo, hi)
    }

    /// Updates min and max with `values[range]`.
    mutating func update(_ values: ParquetColumnValues, range: Range<Int>) {
        guard !range.isEmpty else { return }
        valueCount += range.count
        switch values {
        case .boolean(let v):
            var sawFalse = false
            var sawTrue = false
            for i in range { if v[i] { sawTrue = true } else { sawFalse = true } }
            offerMin(.boolean(!sawFalse))
            offerMax(.boolean(sawTrue))
        case .int32(let v):
            let (lo, hi) = Self.extremes(v, range, unsigned: order == .unsigned, as: UInt32.self)
            offerMin(.int32(lo))
            offerMax(.int32(hi))
        case .int64(let v):
            let (lo, hi) = Self.extremes(v, range, unsigned: order == .unsigned, as: UInt64.self)
            offerMin(.int64(lo))
            offerMax(.int64(hi))
        case .float(let v):
            // NaN never takes part in min/max (type-defined order for floats).
            var lo = Float.infinity
            var hi = -Float.infinity
            var any = false
            for i in range where !v[i].isNaN {
                any = true
                lo = Swift.min(lo, v[i])
                hi = Swift.max(hi, v[i])
            }
            if any {
                offerMin(.float(lo))
                offerMax(.float(hi))
            }
        case .double(let v):
            var lo = Double.infinity
            var hi = -Double.infinity
            var any = false
            for i in range where !v[i].isNaN {
                any = true
                lo = Swift.min(lo, v[i])
                hi = Swift.max(hi, v[i])
            }
            if any {
                offerMin(.double(lo))
                offerMax(.double(hi))
            }
        case .byteArray(let arrays), .fixedLenByteArray(let arrays):
            updateBytes(arrays, range: range)
        }
    }

    private mutating func updateBytes(_ arrays: ParquetByteArrays, range: Range<Int>) {
        updateBytes(arrays, candidates: range)
    }

    /// Updates min and max with the dictionary entries that `indices` use, each compared once: a
    /// dictionary page holds each distinct value once, so this saves comparing every row.
    mutating func updateBytes(dictionary: ParquetByteArrays, indices: [UInt32]) {
        guard !indices.isEmpty else { return }
        var used = [Bool](repeating: false, count: dictionary.count)
        var distinct: [Int] = []
        for index in indices where !used[Int(index)] {
            used[Int(index)] = true
            distinct.append(Int(index))
        }
        updateBytes(dictionary, candidates: distinct)
    }

    /// Min and max over the values at `candidates` (at least one).
    private mutating func updateBytes<Candidates: Collection<Int>>(_ arrays: ParquetByteArrays, candidates: Candidates)
    {
        guard let first = candidates.first else { return }
        let signed = order == .signedBytes
        var lo = first
        var hi = first
        arrays.bytes.withUnsafeBufferPointer { bytes in
            func slice(_ i: Int) -> UnsafeBufferPointer<UInt8> {
                UnsafeBufferPointer(rebasing: bytes[Int(arrays.offsets[i])..<Int(arrays.offsets[i + 1])])
            }
            for i in candidates.dropFirst() {
                let s = slice(i)
                if StatisticsOrder.compareBytes(s, slice(lo), signed: signed) < 0 { lo = i }
                if StatisticsOrder.compareBytes(s, slice(hi), signed: signed) > 0 { hi = i }
            }
        }
        offerMin(.bytes(Array(arrays[lo])))
        offerMax(.bytes(Array(arrays[hi])))
    }
}
