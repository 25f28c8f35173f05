import Engine

/// Distinct byte strings of a column, numbered in order of first appearance: an open-addressing
/// table keyed by the fixed hash, bytes compared on a hash match.
struct KeyInterner {
    /// Slot → id + 1 (0: empty); the table's size is a power of two, at most half full.
    private var slots = [Int](repeating: 0, count: 64)
    private(set) var strings: [String] = []
    private(set) var hashes: [UInt64] = []
    private var bytes: [[UInt8]] = []

    mutating func intern(_ value: UnsafeRawBufferPointer) -> Int {
        let hash = KeyGroups.hash(value)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] != 0 {
            let id = slots[slot] - 1
            if hashes[id] == hash && bytes[id].elementsEqual(value) { return id }
            slot = (slot + 1) & mask
        }
        let id = strings.count
        strings.append(String(decoding: value, as: UTF8.self))
        hashes.append(hash)
        bytes.append(Array(value))
        slots[slot] = id + 1
        if strings.count * 2 > slots.count { grow() }
        return id
    }

    private mutating func grow() {
        slots = [Int](repeating: 0, count: slots.count * 2)
        let mask = slots.count - 1
        for (id, hash) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: hash) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = id + 1
        }
    }
}
