/// Generates transactions as the original platform's Python producer did: a random UUID v4, one of
/// 900 users (`USER_100`…`USER_999`), one of six Moroccan cities, six categories and four payment
/// methods, an amount from 10.00 to 500.00 € in cents, a quantity from 1 to 5; each uniform.
///
/// Without a seed every generator draws from a fresh random state, so ids never repeat across runs;
/// with a seed the same transactions come out again (timestamps aside).
package struct TransactionGenerator: Sendable {
    package static let cities = ["Casablanca", "Rabat", "Marrakech", "Fes", "Tangier", "Agadir"]
    package static let categories = ["Electronics", "Fashion", "Home & Garden", "Sports", "Books", "Beauty"]
    package static let paymentMethods = ["Credit Card", "PayPal", "Cash on Delivery", "Bank Transfer"]
    package static let users = 100...999
    package static let cents: ClosedRange<Int64> = 1_000...50_000
    package static let quantities: ClosedRange<Int32> = 1...5

    private var random: Xoshiro256

    /// A generator seeded with `seed`, or from the system's random source when nil.
    package init(seed: UInt64? = nil) {
        random = seed.map(Xoshiro256.init(seed:)) ?? Xoshiro256()
    }

    /// The next transaction, stamped `timestampMicros`; its city and category drawn with `mix`'s
    /// weights, or each equally likely when nil.
    package mutating func next(timestampMicros: Int64, mix: TransactionMix? = nil) -> Transaction {
        let id = Self.uuidText(random.next(), random.next())
        let user = Int.random(in: Self.users, using: &random)
        let city = Self.cities[pick(Self.cities.count, weights: mix?.cities)]
        let category = Self.categories[pick(Self.categories.count, weights: mix?.categories)]
        let cents = Int64.random(in: Self.cents, using: &random)
        let quantity = Int32.random(in: Self.quantities, using: &random)
        let payment = Self.paymentMethods[Int.random(in: 0..<Self.paymentMethods.count, using: &random)]
        return Transaction(
            transactionID: id, userID: "USER_\(user)", city: city, category: category, amount: Double(cents) / 100,
            quantity: quantity, paymentMethod: payment, timestampMicros: timestampMicros)
    }

    /// An index below `count`: each equally likely without weights, else in proportion to them.
    private mutating func pick(_ count: Int, weights: [Double]?) -> Int {
        guard let weights, weights.count == count else { return Int.random(in: 0..<count, using: &random) }
        let total = weights.reduce(0) { $0 + max(0, $1) }
        guard total > 0, total.isFinite else { return Int.random(in: 0..<count, using: &random) }
        var draw = Double.random(in: 0..<total, using: &random)
        for (index, weight) in weights.enumerated() {
            draw -= max(0, weight)
            if draw < 0 { return index }
        }
        return count - 1
    }

    /// A version-4 (random) UUID in lowercase canonical text, as Python's `str(uuid.uuid4())`.
    static func uuidText(_ high: UInt64, _ low: UInt64) -> String {
        let high = (high & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000
        let low = (low & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        var bytes: [UInt8] = []
        bytes.reserveCapacity(36)
        let digits = Array("0123456789abcdef".utf8)
        func append(_ value: UInt64, _ count: Int) {
            for shift in stride(from: (count - 1) * 4, through: 0, by: -4) {
                bytes.append(digits[Int((value >> UInt64(shift)) & 0xF)])
            }
        }
        append(high >> 32, 8)
        bytes.append(0x2D)
        append((high >> 16) & 0xFFFF, 4)
        bytes.append(0x2D)
        append(high & 0xFFFF, 4)
        bytes.append(0x2D)
        append(low >> 48, 4)
        bytes.append(0x2D)
        append(low & 0xFFFF_FFFF_FFFF, 12)
        return String(decoding: bytes, as: UTF8.self)
    }
}
