/// Keyed state is split into a fixed number of key groups (Flink's max parallelism); groups, not
/// keys, are mapped to workers, so the worker count can change without rehashing state. The hash has
/// a fixed seed: Swift's `Hasher` is seeded per process and would scatter state across restarts.
public enum KeyGroups {
    /// A fixed 64-bit hash of bytes (FNV-1a with a final avalanche mix).
    @inline(__always)
    public static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = 0) -> UInt64 {
        var value: UInt64 = 0xCBF2_9CE4_8422_2325 ^ seed
        for byte in bytes {
            value ^= UInt64(byte)
            value = value &* 0x0000_0100_0000_01B3
        }
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
