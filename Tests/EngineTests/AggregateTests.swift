import Engine
import Foundation
import Testing

@Suite("Mergeable aggregates")
struct AggregateTests {
    static func values(_ count: Int, seed: UInt64) -> [Double] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 40) / 1000 - 5_000
        }
    }

    struct All: Equatable {
        var sum = SumAggregate(), count = CountAggregate(), min = MinAggregate(), max = MaxAggregate()
        var average = AverageAggregate()
        mutating func add(_ x: Double) {
            sum.add(x)
            count.add()
            min.add(x)
            max.add(x)
            average.add(x)
        }
        mutating func merge(_ o: All) {
            sum.merge(o.sum)
            count.merge(o.count)
            min.merge(o.min)
            max.merge(o.max)
            average.merge(o.average)
        }
    }

    @Test("sum, count, min, max and average equal brute force, merged in any order")
    func basics() throws {
        let data = Self.values(1_000, seed: 3)
        var partials = Array(repeating: All(), count: 4)
        for (index, x) in data.enumerated() { partials[index % 4].add(x) }
        var forward = All()
        for partial in partials { forward.merge(partial) }
        var backward = All()
        for partial in partials.reversed() { backward.merge(partial) }
        #expect(forward.count.count == 1_000 && backward.count.count == 1_000)
        #expect(forward.min.value == data.min() && backward.max.value == data.max())
        #expect(abs(forward.sum.sum - data.reduce(0, +)) < 1e-6)
        #expect(abs((forward.average.average ?? 0) - data.reduce(0, +) / 1_000) < 1e-9)
        #expect(All().min.value == nil && All().average.average == nil)
        let restored = try JSONDecoder().decode(AverageAggregate.self, from: JSONEncoder().encode(forward.average))
        #expect(restored == forward.average)
    }

    @Test("top-N keeps the n largest, ties by id, whatever the order of inserts and merges")
    func topN() throws {
        let data = Self.values(500, seed: 9).map { ($0.rounded(), "id\(Int($0) & 0xffff)") }
        var whole = TopN<Int>(n: 10)
        var parts = [TopN<Int>(n: 10), TopN<Int>(n: 10), TopN<Int>(n: 10)]
        for (index, (score, id)) in data.enumerated() {
            whole.insert(score: score, id: id, element: index)
            parts[index % 3].insert(score: score, id: id, element: index)
        }
        var merged = parts[2]
        merged.merge(parts[0])
        merged.merge(parts[1])
        let expected = Dictionary(data.map { ($0.1, $0.0) }, uniquingKeysWith: { first, _ in first })
            .sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(10).map(\.key)
        #expect(whole.entries.map(\.id) == expected)
        #expect(merged.entries.map(\.id) == expected)
        #expect(try JSONDecoder().decode(TopN<Int>.self, from: JSONEncoder().encode(whole)) == whole)
        // Admission: anything while not full, then only scores at least the lowest kept one.
        let lowest = try #require(whole.entries.last?.score)
        #expect(whole.admits(score: lowest) && whole.admits(score: lowest + 1) && !whole.admits(score: lowest - 1))
        let decoded = try JSONDecoder().decode(TopN<Int>.self, from: JSONEncoder().encode(whole))
        #expect(!decoded.admits(score: lowest - 1) && decoded.admits(score: lowest))
        var small = TopN<Int>(n: 3)
        small.insert(score: 100, id: "a", element: 0)
        #expect(small.admits(score: -5))
        #expect(!TopN<Int>(n: 0).admits(score: 1e300))
    }

    @Test(
        "distinct count is exact while small, then a sketch within three standard errors",
        arguments: [1_000, 100_000, 1_000_000])
    func distinct(count: Int) {
        var distinct = DistinctCount()
        for value in 0..<count {
            var text = "user-\(value)"
            let hash = text.withUTF8 { KeyGroups.hash(UnsafeRawBufferPointer($0)) }
            distinct.insert(hash: hash)
            distinct.insert(hash: hash)
        }
        if count <= DistinctCount.defaultThreshold {
            #expect(distinct.count == count)
        } else {
            let error = abs(Double(distinct.count - count)) / Double(count)
            #expect(error < 3 * 1.04 / (16_384 as Double).squareRoot())
        }
    }

    @Test("sketches merge register-wise: the merge equals the sketch of the union")
    func sketchMerge() throws {
        var a = DistinctCount(threshold: 10)
        var b = DistinctCount(threshold: 10)
        var union = DistinctCount(threshold: 10)
        for value in UInt64(0)..<50_000 {
            let hash = value &* 0x9E37_79B9_7F4A_7C15 ^ (value >> 7)
            if value % 3 == 0 { a.insert(hash: hash) } else { b.insert(hash: hash) }
            union.insert(hash: hash)
        }
        var small = DistinctCount()
        small.insert(hash: 1)
        a.merge(b)
        a.merge(small)
        union.insert(hash: 1)
        #expect(a.sketch == union.sketch)
        #expect(try JSONDecoder().decode(DistinctCount.self, from: JSONEncoder().encode(a)) == a)
    }
}
