import Foundation
import Storage
import Testing

@testable import Souk

@Suite("Transactions")
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

    @Test("generated transactions are valid JSON with the producer's fields, the same for the same seed")
    func generated() throws {
        var first = TransactionGenerator(seed: 1)
        var second = TransactionGenerator(seed: 1)
        for index in 0..<200 {
            let transaction = first.next(timestampMicros: 1_700_000_000_000_000 + Int64(index))
            #expect(transaction == second.next(timestampMicros: 1_700_000_000_000_000 + Int64(index)))
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(transaction.json.utf8)) as? [String: Any])
            #expect(
                Set(object.keys) == [
                    "transaction_id", "user_id", "city", "category", "amount", "quantity", "payment_method",
                    "timestamp",
                ])
            #expect(UUID(uuidString: try #require(object["transaction_id"] as? String)) != nil)
            #expect(try #require(object["amount"] as? Double) == transaction.amount)
            #expect(TransactionGenerator.categories.contains(try #require(object["category"] as? String)))
            #expect((1...5).contains(try #require(object["quantity"] as? Int)))
        }
    }
}
