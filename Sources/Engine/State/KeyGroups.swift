/// Keyed state is split into a fixed number of key groups (Flink's max parallelism); groups, not
/// keys, are mapped to workers, so the worker count can change without rehashing state. The hash has
/// a fixed seed: Swift's `Hasher` is seeded per process and would scatter state across restarts.
public enum KeyGroups {
    /// A fixed 64-bit hash of bytes: eight bytes at a time, each word folded in by a multiply-xorshift,
    /// then a final avalanche. The same value in every process and on every run.
    @inline(__always)
    public static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = 0) -> UInt64 {
        var value: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ seed ^ (UInt64(bytes.count) &* 0xFF51_AFD7_ED55_8CCD)
        guard let base = bytes.baseAddress else { return avalanche(value) }
        var index = 0
        while index + 8 <= bytes.count {
            let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            value = fold(value ^ word)
            index += 8
        }
        if index < bytes.count {
            var word: UInt64 = 0
            var shift: UInt64 = 0
            while index < bytes.count {
                word |= UInt64(bytes[index]) << shift
                shift += 8
                index += 1
            }
            value = fold(value ^ word)
        }
        return avalanche(value)
    }

    @inline(__always)
    static func fold(_ x: UInt64) -> UInt64 {
        let product = x.multipliedFullWidth(by: 0xD6E8_FEB8_6659_FD93)
        return product.high ^ product.low
    }

    @inline(__always)
    static func avalanche(_ x: UInt64) -> UInt64 {
        var value = x
        value ^= value >> 33
        value = value &* 0xFF51_AFD7_ED55_8CCD
        value ^= value >> 33
        value = value &* 0xC4CE_B9FE_1A85_EC53
        value ^= value >> 33
        return value
    }

    public static func hash(_ text: String, seed: UInt64 = 0) -> UInt64 {
        var text = text
        return text.withUTF8 { hash(UnsafeRawBufferPointer($0), seed: seed) }
    }

    /// The key group of a key's hash.
    @inline(__always)
    public static func group(ofHash hash: UInt64, groups: Int) -> Int { Int(hash % UInt64(max(1, groups))) }

    /// The worker owning a key group.
    @inline(__always)
    public static func worker(ofGroup group: Int, workers: Int) -> Int { group % max(1, workers) }
}
