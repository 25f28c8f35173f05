import Testing

@testable import Storage

@Suite("Dictionary hashing")
struct FixedWidthDictionaryTests {
    /// Prices such as 12.34 differ only in their high bits: a bare multiplicative hash put 96,000 of
    /// them into 25 home slots and made dictionary encoding quadratic.
    @Test("prices, timestamps and small integers spread over the table")
    func spread() {
        let mask = (1 << 18) - 1
        let prices = (0..<100_000).map { (Double($0) / 100).bitPattern }
        let timestamps = (0..<100_000).map { UInt64(1_795_555_807_000_000 + $0 * 3_600) }
        let small = (0..<100_000).map { UInt64($0) }
        for (name, keys) in [("prices", prices), ("timestamps", timestamps), ("small integers", small)] {
            let slots = Set(keys.map { FixedWidthDictionary.slot(of: $0, mask: mask) })
            // A uniform hash fills about 1 − e^(−100000/262144) ≈ 32% of the table, so ~83,000 slots.
            #expect(slots.count > 75_000, "\(name): \(slots.count) distinct home slots")
        }
    }

    @Test("indices are stable and distinct keys get distinct indices")
    func indices() {
        var dictionary = FixedWidthDictionary()
        let keys = (0..<50_000).map { (Double($0 % 20_000) / 100).bitPattern }
        let indices = keys.map { dictionary.index(of: $0) }
        #expect(dictionary.count == 20_000)
        for (key, index) in zip(keys, indices) { #expect(dictionary.keys[Int(index)] == key) }
        #expect(indices[0] == indices[20_000])
    }
}
