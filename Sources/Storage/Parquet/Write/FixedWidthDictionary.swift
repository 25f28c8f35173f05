#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Dictionary of fixed-width values keyed by their bit pattern (so NaN, -0.0 and +0.0 stay distinct),
/// with an open-addressing table: no allocation per value.
struct FixedWidthDictionary {
    /// Distinct values in first-seen order, as bit patterns.
    private(set) var keys: [UInt64] = []
    private var slots: [Int32]
    private var mask: Int

    init() {
        slots = [Int32](repeating: -1, count: 1024)
        mask = 1023
    }

    var count: Int { keys.count }

    /// Index of `key`, inserting it if new.
    @inline(__always)
    mutating func index(of key: UInt64) -> UInt32 {
        var slot = Self.slot(of: key, mask: mask)
        while true {
            let entry = slots[slot]
            if entry < 0 { break }
            if keys[Int(entry)] == key { return UInt32(entry) }
            slot = (slot + 1) & mask
        }
        let index = keys.count
        keys.append(key)
        slots[slot] = Int32(index)
        if keys.count * 2 > slots.count { grow() }
        return UInt32(index)
    }

    /// The home slot of `key`. Keys are bit patterns (doubles like 12.34 differ only in high bits),
    /// so every bit is mixed into every other first (MurmurHash3's 64-bit finalizer): a bare
    /// multiplicative hash put 96,000 distinct prices into 25 slots.
    @inline(__always)
    static func slot(of key: UInt64, mask: Int) -> Int {
        var h = key
        h ^= h >> 33
        h &*= 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        h &*= 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 33
        return Int(truncatingIfNeeded: h) & mask
    }

    private mutating func grow() {
        let size = slots.count * 2
        slots = [Int32](repeating: -1, count: size)
        mask = size - 1
        for (i, key) in keys.enumerated() {
            var slot = Self.slot(of: key, mask: mask)
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(i)
        }
    }
}

/// Dictionary of byte strings stored contiguously, hashed without copying the probe value.
struct ByteArrayDictionary {
    private(set) var values = ParquetByteArrays()
    private var hashes: [UInt64] = []
    private var slots: [Int32]
    private var mask: Int
    /// Size of the PLAIN dictionary page body (4-byte length + bytes per value).
    private(set) var plainSize = 0

    init() {
        slots = [Int32](repeating: -1, count: 1024)
        mask = 1023
    }

    var count: Int { values.count }

    /// Index of `bytes[start..<end]`, inserting it if new.
    @inline(__always)
    mutating func index(of bytes: UnsafeBufferPointer<UInt8>, start: Int, end: Int) -> UInt32 {
        let hash = Self.hash(bytes, start, end)
        let length = end - start
        var slot = Int(truncatingIfNeeded: hash >> 20) & mask
        while true {
            let entry = slots[slot]
            if entry < 0 { break }
            if hashes[Int(entry)] == hash {
                let a = Int(values.offsets[Int(entry)])
                let b = Int(values.offsets[Int(entry) + 1])
                if b - a == length {
                    let equal = values.bytes.withUnsafeBufferPointer { stored in
                        guard let s = stored.baseAddress, let p = bytes.baseAddress else { return length == 0 }
                        return memcmpEqual(s + a, p + start, length)
                    }
                    if equal { return UInt32(entry) }
                }
            }
            slot = (slot + 1) & mask
        }
        let index = values.count
        values.append(UnsafeBufferPointer(rebasing: bytes[start..<end]))
        hashes.append(hash)
        plainSize += 4 + length
        slots[slot] = Int32(index)
        if values.count * 2 > slots.count { grow() }
        return UInt32(index)
    }

    private mutating func grow() {
        let size = slots.count * 2
        slots = [Int32](repeating: -1, count: size)
        mask = size - 1
        for (i, hash) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: hash >> 20) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(i)
        }
    }

    /// A fast multiplicative hash over 8-byte words.
    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325 ^ UInt64(end - start)
        var i = start
        let raw = UnsafeRawBufferPointer(bytes)
        while end - i >= 8 {
            let word = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            h = (h ^ word) &* 0x9E37_79B9_7F4A_7C15
            h ^= h >> 29
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < end {
            tail |= UInt64(bytes[i]) << shift
            shift += 8
            i += 1
        }
        h = (h ^ tail) &* 0x9E37_79B9_7F4A_7C15
        return h ^ (h >> 32)
    }
}

@inline(__always)
func memcmpEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
    count == 0 || memcmp(a, b, count) == 0
}
