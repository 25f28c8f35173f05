import CAllocator
import Engine

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Distinct byte strings of a column, numbered in order of first appearance: an open-addressing
/// table keyed by the fixed hash.
///
/// Built for columns with many distinct values (user ids), whose table outgrows the CPU caches: a
/// slot holds the hash, the id, the length and the first 16 bytes of its value, so a probe for a
/// value of up to 16 bytes reads one slot and nothing else (longer values are compared in full on a
/// match). The values lie end to end in one buffer; strings are made only when asked for.
struct KeyInterner {
    private struct Slot {
        var hash: UInt64 = 0
        /// id + 1; 0: empty.
        var id: Int32 = 0
        var length: Int32 = 0
        /// The value's first 16 bytes, zero-padded.
        var head: (UInt64, UInt64) = (0, 0)
    }

    /// The table: a power of two, at most half full.
    private var slots = [Slot](repeating: Slot(), count: 64)
    /// The hash of each value, by id.
    private(set) var hashes: [UInt64] = []
    /// The values end to end: value `id` is `bytes[offsets[id]..<offsets[id + 1]]`.
    private var bytes: [UInt8] = []
    private var offsets: [Int] = [0]

    /// Distinct values interned.
    var count: Int { hashes.count }

    mutating func intern(_ value: UnsafeRawBufferPointer) -> Int {
        intern(value, hash: KeyGroups.hash(value))
    }

    /// Interns `value` whose `KeyGroups.hash` is `hash`.
    mutating func intern(_ value: UnsafeRawBufferPointer, hash: UInt64) -> Int {
        let head = Self.head(of: value)
        let length = Int32(truncatingIfNeeded: value.count)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        let found: Int? = slots.withUnsafeBufferPointer { table in
            while table[slot].id != 0 {
                let candidate = table[slot]
                if candidate.hash == hash, candidate.length == length, candidate.head == head {
                    let id = Int(candidate.id) - 1
                    if value.count <= 16 || matches(id, value) { return id }
                }
                slot = (slot + 1) & mask
            }
            return nil
        }
        if let found { return found }
        let id = count
        hashes.append(hash)
        bytes.append(contentsOf: value)
        offsets.append(bytes.count)
        slots[slot] = Slot(hash: hash, id: Int32(truncatingIfNeeded: id + 1), length: length, head: head)
        if count * 2 > slots.count { grow() }
        return id
    }

    /// Starts loading the slot where a value of hash `hash` would start its probe, so that it is on
    /// its way when `intern` needs it (the prefetches of a batch overlap their cache misses).
    @inline(__always)
    func prefetch(hash: UInt64) {
        slots.withUnsafeBufferPointer { table in
            guard let base = table.baseAddress else { return }
            souk_prefetch(base + (Int(truncatingIfNeeded: hash) & (table.count - 1)))
        }
    }

    /// Value `id` as a string.
    func string(_ id: Int) -> String {
        String(decoding: bytes[offsets[id]..<offsets[id + 1]], as: UTF8.self)
    }

    /// Calls `body` with the bytes of value `id`.
    func withValue<T>(_ id: Int, _ body: (UnsafeRawBufferPointer) -> T) -> T {
        bytes.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[offsets[id]..<offsets[id + 1]])) }
    }

    /// The first 16 bytes of `value`, zero-padded.
    @inline(__always)
    private static func head(of value: UnsafeRawBufferPointer) -> (UInt64, UInt64) {
        var head: (UInt64, UInt64) = (0, 0)
        if let base = value.baseAddress {
            withUnsafeMutableBytes(of: &head) {
                $0.baseAddress?.copyMemory(from: base, byteCount: min(16, value.count))
            }
        }
        return head
    }

    private func matches(_ id: Int, _ value: UnsafeRawBufferPointer) -> Bool {
        let start = offsets[id]
        let length = offsets[id + 1] - start
        guard length == value.count else { return false }
        guard length > 0, let other = value.baseAddress else { return true }
        return bytes.withUnsafeBytes { stored in
            guard let base = stored.baseAddress else { return false }
            return memcmp(base + start, other, length) == 0
        }
    }

    private mutating func grow() {
        let old = slots
        slots = [Slot](repeating: Slot(), count: old.count * 2)
        let mask = slots.count - 1
        for entry in old where entry.id != 0 {
            var slot = Int(truncatingIfNeeded: entry.hash) & mask
            while slots[slot].id != 0 { slot = (slot + 1) & mask }
            slots[slot] = entry
        }
    }
}
