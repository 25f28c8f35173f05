import Engine

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Distinct byte strings of a column, numbered in order of first appearance: an open-addressing
/// table keyed by the fixed hash, bytes compared on a hash match.
///
/// Built for columns with many distinct values (user ids): a slot holds the id and the hash, so a
/// probe reads one slot array before it touches a value, and the values lie end to end in one
/// buffer; strings are made only when asked for.
struct KeyInterner {
    /// Slot → id + 1 (0: empty); the table's size is a power of two, at most half full.
    private var slots = [Int32](repeating: 0, count: 64)
    /// The hash of the value in each slot.
    private var slotHashes = [UInt64](repeating: 0, count: 64)
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
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] != 0 {
            if slotHashes[slot] == hash {
                let id = Int(slots[slot]) - 1
                if matches(id, value) { return id }
            }
            slot = (slot + 1) & mask
        }
        let id = count
        hashes.append(hash)
        bytes.append(contentsOf: value)
        offsets.append(bytes.count)
        slots[slot] = Int32(truncatingIfNeeded: id + 1)
        slotHashes[slot] = hash
        if count * 2 > slots.count { grow() }
        return id
    }

    /// Value `id` as a string.
    func string(_ id: Int) -> String {
        String(decoding: bytes[offsets[id]..<offsets[id + 1]], as: UTF8.self)
    }

    /// Calls `body` with the bytes of value `id`.
    func withValue<T>(_ id: Int, _ body: (UnsafeRawBufferPointer) -> T) -> T {
        bytes.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[offsets[id]..<offsets[id + 1]])) }
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
        let size = slots.count * 2
        slots = [Int32](repeating: 0, count: size)
        slotHashes = [UInt64](repeating: 0, count: size)
        let mask = size - 1
        for (id, hash) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: hash) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(truncatingIfNeeded: id + 1)
            slotHashes[slot] = hash
        }
    }
}
