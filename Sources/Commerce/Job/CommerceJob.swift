import Engine
import Storage

/// The e-commerce stream: transactions in, every valid one to `tables/transactions`, revenue per
/// closed 1-minute window per category, city and payment method to `tables/windows`, and live totals
/// (`CommerceSummary`) for the read model.
package struct CommerceJob: StreamJob {
    package typealias Partial = [CommerceWindowKey: RevenueAggregate]
    package typealias GroupState = [CommerceWindowKey: RevenueAggregate]
    package typealias Result = CommerceWindow
    package typealias Update = CommerceWindow
    package typealias Summary = CommerceSummary

    /// The transaction fields, in `TransactionSchema` order.
    static let decoder = JSONColumnDecoder(fields: [
        .init("transaction_id", .string), .init("user_id", .string), .init("city", .string),
        .init("category", .string), .init("amount", .double), .init("quantity", .int32),
        .init("payment_method", .string), .init("timestamp", .timestampMicros),
    ])

    package static let windowSchema = ParquetSchema([
        .timestamp("window_start", unit: .micros, isAdjustedToUTC: true),
        .timestamp("window_end", unit: .micros, isAdjustedToUTC: true),
        .string("dimension"), .string("key"), .double("revenue"), .int64("transactions"), .int64("items"),
    ])

    package let name: String
    package let window: TumblingWindow
    /// Report event time → live view latency (for the benchmark, where event time is the producer's clock).
    let measureLatency: Bool

    package init(name: String = "ecommerce", window: Duration = .seconds(60), measureLatency: Bool = false) {
        self.name = name
        self.window = TumblingWindow(size: window)
        self.measureLatency = measureLatency
    }

    package var rawTable: TableSpecification? {
        // Transaction ids are unique: a dictionary would only be built to be thrown away.
        TableSpecification(
            name: "transactions", schema: ParquetSchema(TransactionSchema.columns), partitionColumn: 7,
            columnOptions: ["transaction_id": .init(dictionary: false), "timestamp": .init(dictionary: false)])
    }

    package var resultTable: TableSpecification {
        TableSpecification(name: "windows", schema: Self.windowSchema, partitionColumn: 0)
    }

    package func map(_ chunk: SourceChunk, watermarkMicros: Int64, keyGroups: Int) -> MapOutput<Partial, Summary> {
        let batch = chunk.withUnsafeBytes { Self.decoder.decode($0) }
        var mapper = CommerceMapper(window: window, watermarkMicros: watermarkMicros, keyGroups: keyGroups)
        var output = mapper.map(batch, chunk: chunk)
        if measureLatency, case .int64(let times) = batch.columns[7].values {
            for time in times { output.eventTimesMillis[time / 1000, default: 0] += 1 }
        }
        return output
    }

    package func makeGroupState() -> GroupState { [:] }

    package func reduce(_ partial: Partial, into state: inout GroupState, updates: inout [Update]) {
        for (key, aggregate) in partial {
            state[key, default: RevenueAggregate()].merge(aggregate)
            if let total = state[key] {
                updates.append(
                    CommerceWindow(
                        id: key, windowEnd: window.end(ofWindowStartingAt: key.windowStart), aggregate: total))
            }
        }
    }

    package func close(_ state: inout GroupState, watermarkMicros: Int64) -> [Result] {
        let closing = state.keys.filter { window.end(ofWindowStartingAt: $0.windowStart) <= watermarkMicros }
        return closing.sorted().compactMap { key in
            state.removeValue(forKey: key).map {
                CommerceWindow(id: key, windowEnd: window.end(ofWindowStartingAt: key.windowStart), aggregate: $0)
            }
        }
    }

    package func rowCount(of state: GroupState) -> Int { state.count }

    package func columns(of results: [Result]) -> [ParquetColumnBuffer] {
        let sorted = results.sorted { $0.id < $1.id }
        var dimensions = ParquetByteArrays()
        var keys = ParquetByteArrays()
        for result in sorted {
            dimensions.append(Array(result.id.dimension.name.utf8))
            keys.append(Array(result.id.key.utf8))
        }
        return [
            ParquetColumnBuffer(.int64(sorted.map(\.id.windowStart))),
            ParquetColumnBuffer(.int64(sorted.map(\.windowEnd))),
            ParquetColumnBuffer(.byteArray(dimensions)),
            ParquetColumnBuffer(.byteArray(keys)),
            ParquetColumnBuffer(.double(sorted.map(\.aggregate.revenue))),
            ParquetColumnBuffer(.int64(sorted.map(\.aggregate.transactions))),
            ParquetColumnBuffer(.int64(sorted.map(\.aggregate.items))),
        ]
    }

    package func makeSummary() -> Summary { CommerceSummary() }

    package func merge(_ summary: Summary, into total: inout Summary) { total.merge(summary) }

    package func isOpen(_ update: CommerceWindow, watermarkMicros: Int64) -> Bool { update.windowEnd > watermarkMicros }
}
