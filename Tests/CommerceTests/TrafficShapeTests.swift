import Engine
import Foundation
import Testing

@testable import Commerce

@Suite("Traffic shapes and the generator's faults")
struct TrafficShapeTests {
    @Test("flat is the original producer: a steady rate and no mix")
    func flat() {
        for elapsed in stride(from: 0.0, through: 3_600, by: 7.3) {
            #expect(TrafficShape.flat.rateFactor(at: elapsed) == 1)
            #expect(TrafficShape.flat.mix(at: elapsed) == nil)
        }
    }

    @Test("daily: the mean over a compressed day is the configured rate, with quiet nights and an evening peak")
    func dailyRate() {
        let day = TrafficShape.dayLength
        let steps = 6_000
        let mean =
            (0..<steps).reduce(0.0) { $0 + TrafficShape.daily.rateFactor(at: Double($1) * day / Double(steps)) }
            / Double(steps)
        #expect(abs(mean - 1) < 0.01)
        let atHour = { (hour: Double) in
            TrafficShape.daily.rateFactor(
                at: ((hour - TrafficShape.startHour + 24).truncatingRemainder(dividingBy: 24)) / 24 * day)
        }
        #expect(atHour(20.5) > 2)
        #expect(atHour(3) < 0.3)
        #expect(atHour(12) > atHour(3) * 3)
        #expect(abs(TrafficShape.hour(at: 0) - TrafficShape.startHour) < 1e-9)
        #expect(abs(TrafficShape.hour(at: day / 2) - (TrafficShape.startHour + 12)) < 1e-9)
    }

    @Test("daily: categories and cities shift over the day")
    func dailyMix() throws {
        let evening = TrafficShape.dailyMix(hour: 20.5).categoryShares
        let morning = TrafficShape.dailyMix(hour: 10).categoryShares
        let night = TrafficShape.dailyMix(hour: 23.5).categoryShares
        let electronics = try #require(TransactionGenerator.categories.firstIndex(of: "Electronics"))
        let books = try #require(TransactionGenerator.categories.firstIndex(of: "Books"))
        let home = try #require(TransactionGenerator.categories.firstIndex(of: "Home & Garden"))
        #expect(evening[electronics] > morning[electronics] * 1.5)
        #expect(night[books] > morning[books] * 1.5)
        #expect(morning[home] > evening[home])
        let casablanca = try #require(TransactionGenerator.cities.firstIndex(of: "Casablanca"))
        #expect(TrafficShape.dailyMix(hour: 13).cities[casablanca] > TrafficShape.dailyMix(hour: 3).cities[casablanca])
    }

    @Test("bursty: every 30 s, 3 s at 10x on one category, a different one each burst")
    func bursty() throws {
        for elapsed in stride(from: 0.0, to: 300, by: 0.25) {
            let within = elapsed.truncatingRemainder(dividingBy: TrafficShape.burstPeriod)
            let inBurst = within >= 20 && within < 23
            #expect(TrafficShape.bursty.rateFactor(at: elapsed) == (inBurst ? 10 : 1), "at \(elapsed) s")
            #expect((TrafficShape.bursty.mix(at: elapsed) != nil) == inBurst, "at \(elapsed) s")
        }
        let favoured = try (0..<6).map { burst in
            let mix = try #require(TrafficShape.bursty.mix(at: Double(burst) * 30 + 21))
            return try #require(mix.categories.firstIndex(of: mix.categories.max() ?? 0))
        }
        #expect(Set(favoured).count == 6)
    }

    @Test("the generator draws cities and categories in proportion to a mix; without one, as before")
    func weightedDraws() {
        var weighted = TransactionGenerator(seed: 11)
        let mix = TransactionMix(categories: [5, 1, 1, 1, 1, 1], cities: [0, 0, 0, 0, 0, 1])
        var electronics = 0
        let draws = 20_000
        for index in 0..<draws {
            let transaction = weighted.next(timestampMicros: Int64(index), mix: mix)
            #expect(transaction.city == "Agadir")
            if transaction.category == "Electronics" { electronics += 1 }
        }
        // 5 of 10: within 2 points over 20,000 draws (about 5 standard deviations).
        #expect(abs(Double(electronics) / Double(draws) - 0.5) < 0.02)

        var first = TransactionGenerator(seed: 5)
        var second = TransactionGenerator(seed: 5)
        for index in 0..<100 {
            #expect(first.next(timestampMicros: Int64(index)) == second.next(timestampMicros: Int64(index), mix: nil))
        }
    }

    @Test("each kind of malformed record the feed sends is refused by the job, none is a valid row", arguments: 0..<3)
    func malformedKinds(kind: Int) {
        var generator = TransactionGenerator(seed: UInt64(kind))
        let transaction = generator.next(timestampMicros: 1_796_212_800_000_000)
        let text = TransactionFeed.malformed(transaction, kind: kind)
        #expect(text != transaction.json)
        var chunk = SourceChunk(partition: SourcePartition(topic: "ecommerce-transactions", partition: 0))
        Array(transaction.json.utf8).withUnsafeBytes { chunk.append(offset: 0, value: $0) }
        Array(text.utf8).withUnsafeBytes { chunk.append(offset: 1, value: $0) }
        let output = CommerceJob().map(chunk, watermarkMicros: Int64.min, keyGroups: 4)
        #expect(output.rowCount == 1)
        #expect(output.malformed.map(\.offset) == [1])
    }
}
