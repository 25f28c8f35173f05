import Foundation
import Storage
import Testing

@testable import Commerce

@Suite("Transactions and their generator")
struct TransactionTests {
    @Test(
        "ISO-8601 text matches Python's isoformat() of naive UTC times",
        arguments: [
            (Int64(0), "1970-01-01T00:00:00"),
            (1_700_000_000_123_456, "2023-11-14T22:13:20.123456"),
            (1_700_000_000_000_000, "2023-11-14T22:13:20"),
            (951_782_400_000_001, "2000-02-29T00:00:00.000001"),
            (-1, "1969-12-31T23:59:59.999999"),
            (253_402_300_799_000_000, "9999-12-31T23:59:59"),
        ])
    func isoFormat(micros: Int64, expected: String) {
        #expect(ISO8601Timestamp.format(micros: micros, suffix: .pythonNaive) == expected)
        #expect(ISO8601Timestamp.parseMicros(expected) == micros)
    }

    @Test(
        "amounts print as Python prints round(x, 2)",
        arguments: [
            (12.5, "12.5"), (10.0, "10.0"), (499.99, "499.99"), (10.05, "10.05"), (500.0, "500.0"), (123.4, "123.4"),
            (100.1, "100.1"), (0.07, "0.07"),
        ])
    func pythonAmounts(amount: Double, expected: String) {
        #expect(Transaction.pythonText(amount: amount) == expected)
    }

    @Test("the JSON is the original producer's: its fields, its order, json.dumps' separators")
    func jsonShape() {
        let transaction = Transaction(
            transactionID: "3f2b8c1e-9d4a-4e7b-8c6d-2a1b0c9d8e7f", userID: "USER_123", city: "Fes",
            category: "Home & Garden", amount: 12.5, quantity: 3, paymentMethod: "Cash on Delivery",
            timestampMicros: 1_764_692_203_123_456)
        #expect(
            transaction.json
                == #"{"transaction_id": "3f2b8c1e-9d4a-4e7b-8c6d-2a1b0c9d8e7f", "user_id": "USER_123", "city": "Fes", "#
                + #""category": "Home & Garden", "amount": 12.5, "quantity": 3, "payment_method": "Cash on Delivery", "#
                + #""timestamp": "2025-12-02T16:16:43.123456"}"#)
    }

    @Test("strings another producer might send are escaped as json.dumps escapes them")
    func escaping() {
        #expect(JSONString.quoted("a\"b\\c\n\u{01}é😀") == #""a\"b\\c\n\u0001\u00e9\ud83d\ude00""#)
    }

    /// Whether `text` is a lowercase version-4 UUID: 8-4-4-4-12 hex digits, version 4, variant 8–b.
    static func isUUIDv4(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 36 else { return false }
        for (index, byte) in bytes.enumerated() {
            switch index {
            case 8, 13, 18, 23: if byte != 0x2D { return false }
            case 14: if byte != 0x34 { return false }
            case 19: if ![0x38, 0x39, 0x61, 0x62].contains(byte) { return false }
            default: if !((0x30...0x39).contains(byte) || (0x61...0x66).contains(byte)) { return false }
            }
        }
        return true
    }

    @Test("100,000 generated transactions stay in the original sets and ranges, and cover every value")
    func valuesAndRanges() throws {
        var generator = TransactionGenerator()
        var users = Set<String>()
        var cities = Set<String>()
        var categories = Set<String>()
        var payments = Set<String>()
        var quantities = Set<Int32>()
        var lowest = Double.infinity
        var highest = -Double.infinity
        // Collected rather than asserted row by row, so that the test stays fast in a debug build.
        var outOfRange: [String] = []
        for index in 0..<100_000 {
            let t = generator.next(timestampMicros: 1_764_692_203_000_000 + Int64(index))
            let user = Int(t.userID.dropFirst(5)) ?? 0
            if !Self.isUUIDv4(t.transactionID) || !t.userID.hasPrefix("USER_") || !(100...999).contains(user)
                || !(10.0...500.0).contains(t.amount) || (t.amount * 100).rounded() / 100 != t.amount
            {
                outOfRange.append(t.json)
            }
            users.insert(t.userID)
            cities.insert(t.city)
            categories.insert(t.category)
            payments.insert(t.paymentMethod)
            quantities.insert(t.quantity)
            lowest = min(lowest, t.amount)
            highest = max(highest, t.amount)
        }
        #expect(outOfRange.isEmpty, "\(outOfRange.prefix(3))")
        #expect(
            Self.isUUIDv4("3f2b8c1e-9d4a-4e7b-8c6d-2a1b0c9d8e7f")
                && !Self.isUUIDv4("3f2b8c1e-9d4a-1e7b-8c6d-2a1b0c9d8e7f"))
        #expect(users.count == 900)
        #expect(cities == ["Casablanca", "Rabat", "Marrakech", "Fes", "Tangier", "Agadir"])
        #expect(categories == ["Electronics", "Fashion", "Home & Garden", "Sports", "Books", "Beauty"])
        #expect(payments == ["Credit Card", "PayPal", "Cash on Delivery", "Bank Transfer"])
        #expect(quantities == [1, 2, 3, 4, 5])
        // Uniform over 49,001 cents: 100,000 draws come within a euro of both ends.
        #expect(lowest < 11 && highest > 499)
    }

    @Test("the draws are uniform: every city, category and payment method within 5% of its share")
    func uniform() {
        var generator = TransactionGenerator(seed: 7)
        var counts: [String: Int] = [:]
        let draws = 120_000
        for _ in 0..<draws {
            let t = generator.next(timestampMicros: 0)
            counts[t.city, default: 0] += 1
            counts[t.category, default: 0] += 1
            counts[t.paymentMethod, default: 0] += 1
        }
        for (values, share) in [
            (TransactionGenerator.cities, 6), (TransactionGenerator.categories, 6),
            (TransactionGenerator.paymentMethods, 4),
        ] {
            for value in values {
                let expected = Double(draws) / Double(share)
                #expect(abs(Double(counts[value] ?? 0) - expected) < expected * 0.05, "\(value): \(counts[value] ?? 0)")
            }
        }
    }

    @Test("two runs without a seed share no transaction id")
    func freshSeeds() {
        var first = TransactionGenerator()
        var second = TransactionGenerator()
        let a = Set((0..<100_000).map { _ in first.next(timestampMicros: 0).transactionID })
        let b = Set((0..<100_000).map { _ in second.next(timestampMicros: 0).transactionID })
        #expect(a.count == 100_000 && b.count == 100_000)
        #expect(a.isDisjoint(with: b))
    }

    @Test("the same seed gives the same transactions, another seed others")
    func seeded() {
        var first = TransactionGenerator(seed: 1)
        var second = TransactionGenerator(seed: 1)
        var other = TransactionGenerator(seed: 2)
        for index in 0..<1_000 {
            let time = 1_764_692_203_000_000 + Int64(index)
            let a = first.next(timestampMicros: time)
            #expect(a == second.next(timestampMicros: time + 5).with(timestampMicros: time))
            #expect(a.transactionID != other.next(timestampMicros: time).transactionID)
        }
    }

    @Test("generated JSON parses back to the transaction")
    func roundTrip() throws {
        var generator = TransactionGenerator(seed: 3)
        for index in 0..<200 {
            let t = generator.next(timestampMicros: 1_764_692_203_000_000 + Int64(index) * 1_000_001)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(t.json.utf8)) as? [String: Any])
            #expect(object["transaction_id"] as? String == t.transactionID)
            #expect(object["user_id"] as? String == t.userID)
            #expect(object["amount"] as? Double == t.amount)
            #expect(object["quantity"] as? Int == Int(t.quantity))
            #expect(object["payment_method"] as? String == t.paymentMethod)
            let text = try #require(object["timestamp"] as? String)
            #expect(ISO8601Timestamp.parseMicros(text) == t.timestampMicros)
        }
    }
}

extension Transaction {
    func with(timestampMicros: Int64) -> Transaction {
        var copy = self
        copy.timestampMicros = timestampMicros
        return copy
    }
}
