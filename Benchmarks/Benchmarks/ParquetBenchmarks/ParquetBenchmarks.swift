import Benchmark
import Foundation
import Storage

/// The table every side of the Parquet comparison writes: `Benchmarks/Parquet/make_input.py` saves it once
/// (1,000,000 transaction rows, uncompressed, one row group) and this suite loads it untimed, as the peers
/// do (`Benchmarks/Parquet/peers.py`). `SOUK_PARQUET_DIR` (default `.build/bench-parquet` beside this
/// package's parent) holds `input.parquet` and the files of every writer, Souk's included, which the read
/// benchmarks then read.
enum SharedTable {
    static let directory =
        ProcessInfo.processInfo.environment["SOUK_PARQUET_DIR"]
        ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "../../../.build/bench-parquet"
        ).standardizedFileURL.path

    static let schema = ParquetSchema([
        .string("transaction_id"), .string("user_id"), .string("city"), .string("category"), .double("amount"),
        .int32("quantity"), .string("payment_method"), .timestamp("timestamp", unit: .micros, isAdjustedToUTC: true),
    ])

    /// The input's columns (without validity: the table has no nulls), or nil when it is missing.
    static let batch: [ParquetColumnBuffer]? = {
        guard let reader = try? ParquetFileReader(path: directory + "/input.parquet"),
            let columns = try? reader.readRowGroup(0)
        else {
            print("no \(directory)/input.parquet: run Benchmarks/Parquet/make_input.py first (make bench-parquet)")
            return nil
        }
        return columns.map { ParquetColumnBuffer($0.values) }
    }()
}

let benchmarks: @Sendable () -> Void = {
    // The allocator policy the `souk` binary runs with (see AllocatorPolicy).
    AllocatorPolicy.retainFreedMemory()
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput], timeUnits: .milliseconds, maxDuration: .seconds(10), maxIterations: 5)
    guard let batch = SharedTable.batch else { return }
    let codecs: [(String, ParquetWriterConfiguration.Compression)] = [
        ("none", .none), ("snappy", .snappy), ("zstd", .zstd(level: 1)),
    ]
    for (name, compression) in codecs {
        var configuration = ParquetWriterConfiguration()
        configuration.compression = compression
        configuration.writePageIndex = false
        Benchmark("parquet write 1M transactions \(name)") { benchmark in
            for _ in benchmark.scaledIterations {
                let writer = try ParquetFileWriter(schema: SharedTable.schema, configuration: configuration)
                try writer.append(batch)
                blackHole(try writer.finishInMemory().readableBytes)
            }
        }
        // Souk's file, kept for the peers' readers and for the read benchmarks below (once per process:
        // package-benchmark runs this closure several times).
        let path = SharedTable.directory + "/souk-\(name).parquet"
        if !FileManager.default.fileExists(atPath: path),
            let writer = try? ParquetFileWriter(schema: SharedTable.schema, configuration: configuration),
            (try? writer.append(batch)) != nil, let buffer = try? writer.finishInMemory()
        {
            FileManager.default.createFile(atPath: path, contents: Data(buffer.readableBytesView))
            print("souk parquet \(name): \(buffer.readableBytes) bytes")
        }
    }
    // Every writer's file (Souk's and the peers'), read by Souk from memory.
    let files = ((try? FileManager.default.contentsOfDirectory(atPath: SharedTable.directory)) ?? [])
        .filter { $0.hasSuffix(".parquet") && $0 != "input.parquet" }.sorted()
    for file in files {
        guard let bytes = FileManager.default.contents(atPath: SharedTable.directory + "/" + file) else { continue }
        let array = [UInt8](bytes)
        Benchmark("parquet read 1M transactions, \(file)") { benchmark in
            for _ in benchmark.scaledIterations {
                let reader = try ParquetFileReader(bytes: array)
                blackHole(try reader.readAll().count)
            }
        }
    }
}
