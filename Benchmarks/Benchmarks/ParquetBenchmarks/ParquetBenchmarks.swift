import Benchmark
import Storage

/// The e-commerce transaction table, 1,000,000 rows held as in-memory columns.
struct TransactionColumns {
    static let rows = 1_000_000
    static let schema = ParquetSchema([
        .string("transaction_id"), .string("user_id"), .string("city"), .string("category"), .double("amount"),
        .int32("quantity"), .string("payment_method"), .timestamp("timestamp", unit: .micros, isAdjustedToUTC: true),
    ])

    static let batch: [ParquetColumnBuffer] = {
        var ids = ParquetByteArrays()
        var users = ParquetByteArrays()
        var cities = ParquetByteArrays()
        var categories = ParquetByteArrays()
        var payments = ParquetByteArrays()
        var amounts: [Double] = []
        var quantities: [Int32] = []
        var stamps: [Int64] = []
        let cityNames = ["Casablanca", "Rabat", "Marrakech", "Fes", "Tangier", "Agadir", "Meknes", "Oujda"]
        let categoryNames = ["Electronics", "Clothing", "Home & Kitchen", "Books", "Sports", "Beauty", "Toys"]
        let paymentNames = ["credit_card", "debit_card", "paypal", "apple_pay", "google_pay"]
        var state: UInt64 = 7
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 11
        }
        for index in 0..<rows {
            let a = next()
            let b = next()
            let hex = String(a, radix: 16) + String(b, radix: 16)
            ids.append(String(hex.prefix(32)))
            users.append("user_\(next() % 1000)")
            cities.append(cityNames[Int(next() % 8)])
            categories.append(categoryNames[Int(next() % 7)])
            payments.append(paymentNames[Int(next() % 5)])
            amounts.append(Double(next() % 200_000) / 100)
            quantities.append(Int32(next() % 5 + 1))
            stamps.append(1_795_555_807_000_000 + Int64(index) * 3_600)
        }
        return [
            .init(.byteArray(ids)), .init(.byteArray(users)), .init(.byteArray(cities)), .init(.byteArray(categories)),
            .init(.double(amounts)), .init(.int32(quantities)), .init(.byteArray(payments)), .init(.int64(stamps)),
        ]
    }()
}

let benchmarks: @Sendable () -> Void = {
    // The allocator policy the `souk` binary runs with (see AllocatorPolicy).
    AllocatorPolicy.retainFreedMemory()
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput], timeUnits: .milliseconds, maxDuration: .seconds(10), maxIterations: 5)
    let codecs: [(String, ParquetWriterConfiguration.Compression)] = [
        ("none", .none), ("snappy", .snappy), ("zstd", .zstd(level: 1)),
    ]
    for (name, compression) in codecs {
        var configuration = ParquetWriterConfiguration()
        configuration.compression = compression
        configuration.writePageIndex = false
        Benchmark("parquet write 1M transactions \(name)") { benchmark in
            let batch = TransactionColumns.batch
            for _ in benchmark.scaledIterations {
                let writer = try ParquetFileWriter(schema: TransactionColumns.schema, configuration: configuration)
                try writer.append(batch)
                blackHole(try writer.finishInMemory().readableBytes)
            }
        }
        let file: [UInt8] = {
            let writer = try? ParquetFileWriter(schema: TransactionColumns.schema, configuration: configuration)
            try? writer?.append(TransactionColumns.batch)
            let buffer = try? writer?.finishInMemory()
            return buffer.map { Array($0.readableBytesView) } ?? []
        }()
        print("souk parquet \(name): \(file.count) bytes")
        Benchmark("parquet read 1M transactions \(name)") { benchmark in
            for _ in benchmark.scaledIterations {
                let reader = try ParquetFileReader(bytes: file)
                blackHole(try reader.readAll().count)
            }
        }
    }
}
