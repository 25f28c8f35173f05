import Testing

@testable import Commerce

@Suite("Per-dimension totals")
struct DimensionTotalsTests {
    static func one(_ amount: Double) -> RevenueAggregate {
        RevenueAggregate(revenue: amount, transactions: 1, items: 2)
    }

    @Test("past the limit, new values are counted under (other); known values keep their own row")
    func bounded() {
        var totals = DimensionTotals(limit: 3)
        for value in ["a", "b", "c", "d", "e", "a"] { totals.add(value, Self.one(1)) }
        #expect(totals.values.count == 4)
        #expect(totals.values["a"]?.transactions == 2)
        #expect(totals.values[DimensionTotals.other] == RevenueAggregate(revenue: 2, transactions: 2, items: 4))
        #expect(totals.overflowed)
        #expect(totals.values.values.reduce(0) { $0 + $1.transactions } == 6, "nothing is lost")
    }

    @Test("an endless stream of new values keeps memory bounded at the default limit")
    func endless() {
        var totals = DimensionTotals()
        for index in 0..<25_000 { totals.add("city-\(index)", Self.one(1)) }
        #expect(totals.values.count == DimensionTotals.defaultLimit + 1)
        #expect(totals.values[DimensionTotals.other]?.transactions == 15_000)
    }

    @Test("merging adds known values first and applies the same limit to the rest")
    func merging() {
        var left = DimensionTotals(limit: 2)
        left.add("x", Self.one(1))
        left.add("y", Self.one(1))
        var right = DimensionTotals(limit: 2)
        right.add("y", Self.one(5))
        right.add("z", Self.one(7))
        left.merge(right)
        #expect(left.values["y"] == RevenueAggregate(revenue: 6, transactions: 2, items: 4))
        #expect(left.values[DimensionTotals.other] == Self.one(7))
        #expect(left.values["z"] == nil)

        var small = DimensionTotals()
        small.add("x", Self.one(1))
        var other = DimensionTotals()
        other.add("x", Self.one(2))
        other.add("w", Self.one(3))
        small.merge(other)
        #expect(small.values == ["x": RevenueAggregate(revenue: 3, transactions: 2, items: 4), "w": Self.one(3)])
    }
}
