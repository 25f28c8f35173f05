import Engine
import Foundation
import Storage
import Testing

@testable import Commerce

@Suite("The e-commerce job's map side")
struct CommerceMapperTests {
    static let partition = SourcePartition(topic: "ecommerce-transactions", partition: 2)
    /// 2026-12-02T12:00:00Z.
    static let noon: Int64 = 1_796_212_800_000_000

    static func line(_ id: String, city: String, category: String, amount: Double, quantity: Int, seconds: Int64)
        -> String
    {
        Transaction(
            transactionID: id, userID: "USER_\(100 + id.count)", city: city, category: category, amount: amount,
            quantity: Int32(quantity), paymentMethod: "PayPal", timestampMicros: noon + seconds * 1_000_000
        ).json
    }

    static func chunk(_ lines: [String], firstOffset: Int64 = 100) -> SourceChunk {
        var chunk = SourceChunk(partition: partition)
        for (index, line) in lines.enumerated() {
            Array(line.utf8).withUnsafeBytes { chunk.append(offset: firstOffset + Int64(index), value: $0) }
        }
        return chunk
    }

    @Test("every valid row counts in the totals and per dimension, late ones too; only on-time rows reach a window")
    func totalsAndWindows() throws {
        let lines = [
            Self.line("a", city: "Rabat", category: "Books", amount: 10.5, quantity: 1, seconds: 30),
            Self.line("b", city: "Rabat", category: "Fashion", amount: 20.25, quantity: 2, seconds: 70),
            "{\"transaction_id\": \"m\", \"amount\": \"oops\"}",
            Self.line("late", city: "Agadir", category: "Books", amount: 300, quantity: 5, seconds: -120),
            // A value outside the generator's sets is valid input.
            Self.line(
                "c", city: "<img src=x onerror=alert(1)>", category: "Books", amount: 7, quantity: 3, seconds: 75),
        ]
        let job = CommerceJob()
        let output = job.map(Self.chunk(lines), watermarkMicros: Self.noon, keyGroups: 16)

        #expect(output.rowCount == 4)
        #expect(output.malformed.map(\.offset) == [102])
        #expect(output.late.map(\.offset) == [103])
        #expect(output.late.first?.eventTimeMicros == Self.noon - 120_000_000)
        #expect(output.late.first?.value == lines[3])
        #expect(output.minEventMicros == Self.noon - 120_000_000)
        #expect(output.maxEventMicros == Self.noon + 75_000_000)

        let summary = output.summary
        #expect(summary.transactions == 4)
        #expect(summary.revenue == 10.5 + 20.25 + 300 + 7)
        #expect(summary.items == 11)
        #expect(summary.maxEventMicros == Self.noon + 75_000_000)
        #expect(summary.uniqueUsers == 2)  // USER_101 (ids a, b, c) and USER_104 (late)
        #expect(summary.top.entries.map(\.id) == ["late", "b", "a", "c"])
        #expect(summary.categories.values["Books"] == RevenueAggregate(revenue: 317.5, transactions: 3, items: 9))
        #expect(summary.categories.values["Fashion"] == RevenueAggregate(revenue: 20.25, transactions: 1, items: 2))
        #expect(summary.cities.values["Agadir"] == RevenueAggregate(revenue: 300, transactions: 1, items: 5))
        #expect(summary.cities.values["<img src=x onerror=alert(1)>"]?.transactions == 1)
        #expect(
            summary.paymentMethods.values == ["PayPal": RevenueAggregate(revenue: 337.75, transactions: 4, items: 11)])

        // Windows: the on-time rows only, each in its minute, per dimension.
        var windows: [CommerceWindowKey: RevenueAggregate] = [:]
        for partial in output.partials.values {
            for (key, aggregate) in partial { windows[key, default: RevenueAggregate()].merge(aggregate) }
        }
        let minute0 = Self.noon
        let minute1 = Self.noon + 60_000_000
        #expect(
            windows[CommerceWindowKey(windowStart: minute0, dimension: .category, key: "Books")]
                == RevenueAggregate(revenue: 10.5, transactions: 1, items: 1))
        #expect(
            windows[CommerceWindowKey(windowStart: minute1, dimension: .category, key: "Books")]
                == RevenueAggregate(revenue: 7, transactions: 1, items: 3))
        #expect(
            windows[CommerceWindowKey(windowStart: minute1, dimension: .paymentMethod, key: "PayPal")]
                == RevenueAggregate(revenue: 27.25, transactions: 2, items: 5))
        #expect(windows.keys.allSatisfy { $0.key != "Agadir" }, "the late row reached a window")
        #expect(windows.values.reduce(0) { $0 + $1.transactions } == 9)  // 3 on-time rows × 3 dimensions
    }

    @Test("summaries of chunks merge into the summary of their union, in any order")
    func summariesMerge() {
        var generator = TransactionGenerator(seed: 11)
        let lines = (0..<3_000).map { generator.next(timestampMicros: Self.noon + Int64($0) * 1_000).json }
        let job = CommerceJob()
        let whole = job.map(Self.chunk(lines), watermarkMicros: Int64.min, keyGroups: 8).summary
        let parts = stride(from: 0, to: lines.count, by: 700).map {
            job.map(Self.chunk(Array(lines[$0..<min($0 + 700, lines.count)])), watermarkMicros: Int64.min, keyGroups: 8)
                .summary
        }
        var forward = CommerceSummary()
        for part in parts { forward.merge(part) }
        var backward = CommerceSummary()
        for part in parts.reversed() { backward.merge(part) }
        for merged in [forward, backward] {
            #expect(merged.transactions == whole.transactions)
            #expect(merged.items == whole.items)
            #expect(abs(merged.revenue - whole.revenue) < 1e-6)
            #expect(merged.top == whole.top)
            #expect(merged.uniqueUsers == whole.uniqueUsers)
            #expect(merged.maxEventMicros == whole.maxEventMicros)
            for dimension in CommerceDimension.allCases {
                #expect(Set(merged[dimension].values.keys) == Set(whole[dimension].values.keys))
                for (value, aggregate) in whole[dimension].values {
                    #expect(merged[dimension].values[value]?.transactions == aggregate.transactions)
                    #expect(merged[dimension].values[value]?.items == aggregate.items)
                }
            }
        }
    }

    @Test("the summary survives the state snapshot's JSON, and an older state without dimensions still loads")
    func summaryCoding() throws {
        var generator = TransactionGenerator(seed: 5)
        let lines = (0..<50).map { generator.next(timestampMicros: Self.noon + Int64($0)).json }
        let summary = CommerceJob().map(Self.chunk(lines), watermarkMicros: 0, keyGroups: 4).summary
        let decoded = try JSONDecoder().decode(CommerceSummary.self, from: JSONEncoder().encode(summary))
        #expect(decoded == summary)
        #expect(decoded.categories.values.count == 6)

        var object = try #require(
            try JSONSerialization.jsonObject(with: JSONEncoder().encode(summary)) as? [String: Any])
        for key in ["categories", "cities", "paymentMethods", "maxEventMicros"] { object.removeValue(forKey: key) }
        let older = try JSONDecoder().decode(
            CommerceSummary.self, from: JSONSerialization.data(withJSONObject: object))
        #expect(older.transactions == 50 && older.categories.values.isEmpty && older.maxEventMicros == nil)
    }
}
