/// Generates plausible transactions, deterministically from a seed, as the original Python
/// producer did: a UUID, one of a thousand users, a city, a category, a payment method, an
/// amount and a quantity.
struct TransactionGenerator {
    static let cities = [
        "New York", "Los Angeles", "Chicago", "Houston", "Phoenix", "Philadelphia", "San Antonio", "San Diego",
        "Dallas", "San Jose",
    ]
    static let categories = [
        "Electronics", "Clothing", "Home & Kitchen", "Books", "Sports", "Beauty", "Toys", "Grocery",
    ]
    static let paymentMethods = ["credit_card", "debit_card", "paypal", "apple_pay", "google_pay"]

    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    /// The next transaction, stamped `timestampMicros`.
    mutating func next(timestampMicros: Int64) -> Transaction {
        let high = nextRandom()
        let low = nextRandom()
        return Transaction(
            transactionID: Self.uuidText(high: high, low: low),
            userID: "user_\(nextRandom() % 1000 + 1)",
            city: Self.cities[Int(nextRandom() % UInt64(Self.cities.count))],
            category: Self.categories[Int(nextRandom() % UInt64(Self.categories.count))],
            paymentMethod: Self.paymentMethods[Int(nextRandom() % UInt64(Self.paymentMethods.count))],
            amount: Double(nextRandom() % 99_000 + 1_000) / 100,
            quantity: Int32(nextRandom() % 5 + 1),
            timestampMicros: timestampMicros)
    }

    /// SplitMix64: small, fast and good enough for synthetic data.
    private mutating func nextRandom() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A version-4 UUID in its canonical text form.
    private static func uuidText(high: UInt64, low: UInt64) -> String {
        let high = (high & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000
        let low = (low & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        func hex(_ value: UInt64, _ digits: Int) -> String {
            let text = String(value, radix: 16)
            return String(repeating: "0", count: max(0, digits - text.count)) + text
        }
        return "\(hex(high >> 32, 8))-\(hex((high >> 16) & 0xFFFF, 4))-\(hex(high & 0xFFFF, 4))-"
            + "\(hex(low >> 48, 4))-\(hex(low & 0xFFFF_FFFF_FFFF, 12))"
    }
}
