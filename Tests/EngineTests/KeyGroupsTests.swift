import Engine
import Testing

@Suite("Key groups")
struct KeyGroupsTests {
    @Test("the hash is fixed: the same value in every process (state snapshots depend on it)")
    func fixedValues() {
        #expect(KeyGroups.hash("") == KeyGroups.hash(""))
        let values = ["", "a", "category", "Casablanca", "payment_method_with_a_long_name"].map { KeyGroups.hash($0) }
        #expect(Set(values).count == values.count)
        #expect(values == Self.pinned)
    }

    @Test("every byte and the length count", arguments: ["abcdefgh", "abcdefghi", "abcdefgh\u{0}", "\u{0}"])
    func sensitivity(text: String) {
        #expect(KeyGroups.hash(text) != KeyGroups.hash(String(text.dropLast())))
        #expect(KeyGroups.hash(text, seed: 1) != KeyGroups.hash(text))
    }

    @Test("groups spread keys evenly and map to workers by modulo")
    func spread() {
        var counts = [Int](repeating: 0, count: 128)
        for key in 0..<128_000 { counts[KeyGroups.group(ofHash: KeyGroups.hash("user_\(key)"), groups: 128)] += 1 }
        #expect(counts.min() ?? 0 > 800 && counts.max() ?? 0 < 1_200)
        #expect(KeyGroups.worker(ofGroup: 127, workers: 2) == 1 && KeyGroups.worker(ofGroup: 126, workers: 3) == 0)
    }

    /// Computed once; a change of the hash (which would scatter saved state) fails here.
    static let pinned: [UInt64] = [
        11_286_133_854_226_296_554, 2_234_625_027_881_961_182, 2_923_174_653_260_874_048, 4_709_244_490_432_675_184,
        16_729_252_087_743_981_546,
    ]
}
