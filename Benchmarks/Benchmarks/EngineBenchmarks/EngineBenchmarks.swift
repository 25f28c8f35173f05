import Benchmark
import Engine

/// 100,000 transaction JSON lines as Python producers write them.
let lines: [UInt8] = {
    var text = ""
    var state: UInt64 = 99
    let cities = ["Casablanca", "Rabat", "Marrakech", "Fes", "Tangier", "Agadir", "Meknes", "Oujda"]
    let categories = ["Electronics", "Clothing", "Home & Kitchen", "Books", "Sports", "Beauty", "Toys"]
    for index in 0..<100_000 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        let value = state >> 20
        text += "{\"transaction_id\": \"\(String(state, radix: 16))-4f1c\", \"user_id\": \"user_\(value % 1000)\", "
        text += "\"city\": \"\(cities[Int(value % 8)])\", \"category\": \"\(categories[Int(value / 8 % 7)])\", "
        text += "\"amount\": \(value % 100_000 / 100).\(value % 90 + 10), \"quantity\": \(value % 5 + 1), "
        text +=
            "\"payment_method\": \"credit_card\", \"timestamp\": \"2026-11-24T21:\(10 + index % 50):\(10 + index % 49).\(100_000 + index)\"}\n"
    }
    return Array(text.utf8)
}()

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput], timeUnits: .milliseconds, maxDuration: .seconds(5), maxIterations: 50)
    let decoder = JSONColumnDecoder(fields: [
        .init("transaction_id", .string), .init("user_id", .string), .init("city", .string),
        .init("category", .string), .init("amount", .double), .init("quantity", .int32),
        .init("payment_method", .string), .init("timestamp", .timestampMicros),
    ])
    Benchmark("decode 100k transaction JSON lines into columns") { benchmark in
        for _ in benchmark.scaledIterations {
            let batch = lines.withUnsafeBytes { decoder.decode($0) }
            precondition(batch.rowCount == 100_000 && batch.malformed.isEmpty)
            blackHole(batch.rowCount)
        }
    }
}
