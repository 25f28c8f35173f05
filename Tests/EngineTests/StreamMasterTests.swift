import Engine
import Foundation
import Logging
import MetricsTestKit
import Storage
import Testing

/// A small job for the engine's own tests: events per key per 10-second tumbling window, raw rows kept.
struct CountingJob: StreamJob {
    struct Key: Sendable, Hashable, Codable, Comparable {
        var start: Int64
        var key: String
        static func < (a: Key, b: Key) -> Bool { (a.start, a.key) < (b.start, b.key) }
    }

    struct Window: Sendable, Identifiable, Equatable, Encodable {
        var id: Key
        var count: Int64
    }

    static let decoder = JSONColumnDecoder(fields: [.init("key", .string), .init("ts", .timestampMicros)])
    static let window = TumblingWindow(size: .seconds(10))

    var name: String { "counting" }
    var rawTable: TableSpecification? {
        TableSpecification(
            name: "events",
            schema: ParquetSchema([.string("key"), .timestamp("ts", unit: .micros, isAdjustedToUTC: true)]),
            partitionColumn: 1)
    }
    var resultTable: TableSpecification {
        TableSpecification(
            name: "counts",
            schema: ParquetSchema([
                .timestamp("window_start", unit: .micros, isAdjustedToUTC: true), .string("key"), .int64("count"),
            ]), partitionColumn: 0)
    }

    func map(_ chunk: SourceChunk, watermarkMicros: Int64, keyGroups: Int) -> MapOutput<[Key: Int64], Int64> {
        let batch = chunk.withUnsafeBytes { Self.decoder.decode($0) }
        guard batch.rowCount > 0, case .byteArray(let keys) = batch.columns[0].values,
            case .int64(let times) = batch.columns[1].values
        else {
            return MapOutput(
                partition: chunk.partition, rows: [], rowCount: 0,
                malformed: batch.malformed.map {
                    DeadLetter(partition: chunk.partition, offset: chunk.offsets[$0.line], reason: $0.reason, value: "")
                }, late: [], maxEventMicros: nil, minEventMicros: nil, partials: [:], summary: 0)
        }
        var partials: [Int: [Key: Int64]] = [:]
        var late: [DeadLetter] = []
        for row in 0..<batch.rowCount {
            let key = keys.string(at: row)
            if times[row] < watermarkMicros {
                late.append(DeadLetter(partition: chunk.partition, offset: -1, reason: "late", value: key))
                continue
            }
            let group = KeyGroups.group(ofHash: KeyGroups.hash(key), groups: keyGroups)
            partials[group, default: [:]][Key(start: Self.window.start(of: times[row]), key: key), default: 0] += 1
        }
        return MapOutput(
            partition: chunk.partition, rows: batch.columns, rowCount: batch.rowCount,
            malformed: batch.malformed.map {
                DeadLetter(partition: chunk.partition, offset: chunk.offsets[$0.line], reason: $0.reason, value: "")
            }, late: late, maxEventMicros: times.max(), minEventMicros: times.min(), partials: partials,
            summary: Int64(batch.rowCount))
    }

    func makeGroupState() -> [Key: Int64] { [:] }

    func reduce(_ partial: [Key: Int64], into state: inout [Key: Int64], updates: inout [Window]) {
        for (key, count) in partial {
            state[key, default: 0] += count
            updates.append(Window(id: key, count: state[key] ?? 0))
        }
    }

    func close(_ state: inout [Key: Int64], watermarkMicros: Int64) -> [Window] {
        state.keys.filter { Self.window.end(ofWindowStartingAt: $0.start) <= watermarkMicros }.sorted().map {
            Window(id: $0, count: state.removeValue(forKey: $0) ?? 0)
        }
    }

    func rowCount(of state: [Key: Int64]) -> Int { state.count }

    func columns(of results: [Window]) -> [ParquetColumnBuffer] {
        var keys = ParquetByteArrays()
        for result in results { keys.append(result.id.key) }
        return [
            ParquetColumnBuffer(.int64(results.map(\.id.start))), ParquetColumnBuffer(.byteArray(keys)),
            ParquetColumnBuffer(.int64(results.map(\.count))),
        ]
    }

    func isOpen(_ update: Window, watermarkMicros: Int64) -> Bool {
        Self.window.end(ofWindowStartingAt: update.id.start) > watermarkMicros
    }

    func makeSummary() -> Int64 { 0 }
    func merge(_ summary: Int64, into total: inout Int64) { total += summary }
}

@Suite("Stream master over a file source")
struct StreamMasterTests {
    static let second: Int64 = 1_000_000

    final class Fixture {
        let directory: String
        let input: String

        init() {
            directory =
                FileManager.default.temporaryDirectory.appendingPathComponent("souk-master-\(UUID().uuidString)")
                .path
            input = directory + "-input.jsonl"
            _ = FileManager.default.createFile(atPath: input, contents: nil)
        }

        func append(_ lines: [String]) throws {
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: input))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(lines.map { $0 + "\n" }.joined().utf8))
            try handle.close()
        }

        func run(
            maxRecords: Int64 = 1_000, workers: Int = 2, metrics: TestMetrics? = nil,
            adjust: (inout EngineConfiguration) -> Void = { _ in },
            started: (StreamMaster<CountingJob>) -> Void = { _ in }
        ) async throws -> [StreamingProgress] {
            var configuration = EngineConfiguration()
            configuration.metricsFactory = metrics
            configuration.dataDirectory = directory
            configuration.once = true
            configuration.trigger = .zero
            configuration.workers = workers
            configuration.maxRecordsPerPartition = maxRecords
            configuration.allowedLateness = .seconds(5)
            adjust(&configuration)
            let master = StreamMaster(
                job: CountingJob(), source: JSONLinesFileSource(path: input, pieceLines: 7),
                configuration: configuration,
                logger: Logger(label: "test"))
            let reports = Reports()
            await master.setProgressHandler { reports.add($0) }
            started(master)
            try await master.run()
            return reports.all
        }

        /// The 400 events (four keys, four a second) the fault-injection suites run, appended to the input.
        func appendFaultEvents() throws -> [(String, Int64)] {
            let events = (0..<400).map { (["a", "b", "c", "d"][$0 % 4], Int64(5_000 + $0 / 4)) }
            try append(events.map { StreamMasterTests.event($0.0, $0.1) })
            return events
        }

        /// The committed tables hold `events` exactly once: every raw row, and the windows a
        /// recomputation gives up to the last commit's watermark.
        func expectExactlyOnce(_ events: [(String, Int64)], _ note: Comment) throws {
            let watermark = try #require(
                try CheckpointLog(directory: directory + "/checkpoints/counting").recover().lastCommit?
                    .nextWatermarkMicros)
            #expect(try table("events").count == events.count, note)
            #expect(try table("counts") == StreamMasterTests.expected(events, upTo: watermark), note)
        }

        /// Every row of every committed part of a table, as rows of text.
        func table(_ name: String) throws -> [[String]] {
            let root = directory + "/tables/" + name
            var rows: [[String]] = []
            let files = FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String } ?? []
            for file in files where file.hasSuffix(".parquet") {
                let reader = try ParquetFileReader(path: root + "/" + file)
                for group in 0..<reader.rowGroupCount {
                    let columns = try reader.readRowGroup(group)
                    let count = columns.first?.rowCount ?? 0
                    for row in 0..<count { rows.append(columns.map { Self.text($0, row) }) }
                }
            }
            return rows.sorted { $0.lexicographicallyPrecedes($1) }
        }

        static func text(_ column: ParquetColumnBuffer, _ row: Int) -> String {
            switch column.values {
            case .int64(let values): String(values[row])
            case .byteArray(let values): values.string(at: row)
            default: "?"
            }
        }
    }

    final class Reports: @unchecked Sendable {
        private let lock = NSLock()
        private var reports: [StreamingProgress] = []
        func add(_ report: StreamingProgress) { lock.withLock { reports.append(report) } }
        var all: [StreamingProgress] { lock.withLock { reports } }
    }

    /// `count` seeds from `offset` on, or as many as the environment variable `variable` says.
    static func seeds(_ variable: String, default count: Int, from offset: UInt64) -> [UInt64] {
        let count = ProcessInfo.processInfo.environment[variable].flatMap(Int.init) ?? count
        return (0..<UInt64(max(0, count))).map { $0 + offset }
    }

    static func event(_ key: String, _ seconds: Int64) -> String { "{\"key\":\"\(key)\",\"ts\":\(seconds * 1000)}" }

    /// Counts per (window start, key) over events that are not late, as the table holds them.
    static func expected(_ events: [(String, Int64)], upTo watermark: Int64) -> [[String]] {
        var counts: [CountingJob.Key: Int64] = [:]
        for (key, seconds) in events {
            counts[CountingJob.Key(start: CountingJob.window.start(of: seconds * second), key: key), default: 0] += 1
        }
        return counts.filter { $0.key.start + 10 * second <= watermark }.map {
            [String($0.key.start), $0.key.key, String($0.value)]
        }
        .sorted { $0.lexicographicallyPrecedes($1) }
    }

    @Test("--once reads everything in capped batches; windows and raw rows equal a recomputation")
    func once() async throws {
        let fixture = Fixture()
        let events = (0..<300).map { (["a", "b", "c"][$0 % 3], Int64(1_000 + $0 / 3)) }
        try fixture.append(events.map { Self.event($0.0, $0.1) } + ["{broken", ""])
        let metrics = TestMetrics()
        let reports = try await fixture.run(maxRecords: 64, metrics: metrics)
        #expect(reports.count >= 5)
        let job = [("job", "counting")]
        #expect(try metrics.expectCounter("souk_stream_batches_total", job).totalValue == Int64(reports.count))
        #expect(try metrics.expectCounter("souk_stream_input_rows_total", job).totalValue == 301)
        #expect(try metrics.expectCounter("souk_stream_malformed_rows_total", job).totalValue == 1)
        #expect(try metrics.expectTimer("souk_stream_batch_duration", job).values.count == reports.count)
        #expect(
            try metrics.expectGauge("souk_stream_watermark_micros", job).lastValue
                == Double(reports.last?.watermark ?? 0))
        #expect(reports.reduce(0) { $0 + $1.numInputRows } == 301)
        #expect(reports.reduce(0) { $0 + $1.malformedRows } == 1)
        #expect(reports.reduce(0) { $0 + $1.lateRows } == 0)
        let watermark = try #require(reports.last?.watermark)
        #expect(watermark == (1_000 + 99 - 5) * Self.second)
        #expect(try fixture.table("counts") == Self.expected(events, upTo: watermark))
        #expect(try fixture.table("events").count == 300)
        let deadLetters = try String(
            contentsOfFile: fixture.directory + "/deadletter/malformed/batch-4.jsonl", encoding: .utf8)
        #expect(deadLetters.contains("\"offset\":300"))
    }

    @Test("commits queue behind computing, at most maxUncommittedBatches at a time, and all complete in order")
    func boundedCommitQueue() async throws {
        let fixture = Fixture()
        defer { try? FileManager.default.removeItem(atPath: fixture.directory) }
        let events = (0..<200).map { (["a", "b"][$0 % 2], Int64(1_000 + $0 / 2)) }
        try fixture.append(events.map { Self.event($0.0, $0.1) })
        let observed = Observations()
        let reports = try await fixture.run(
            maxRecords: 10,
            adjust: { configuration in
                configuration.maxUncommittedBatches = 3
                configuration.beforeCommit = { batch in
                    guard let master = observed.master else { return }
                    // Hold the first commit until the loop has computed as far as the queue lets it.
                    if batch == 0 {
                        let deadline = ContinuousClock.now + .seconds(10)
                        while await master.liveView.snapshot().summary < 30, ContinuousClock.now < deadline {
                            try? await Task.sleep(for: .milliseconds(1))
                        }
                    }
                    observed.record(batch: batch, computedRows: await master.liveView.snapshot().summary)
                }
            },
            started: { observed.master = $0 })
        let seen = observed.all
        #expect(seen.map(\.batch) == Array(0..<Int64(seen.count)))
        #expect(seen.count == reports.count)
        // At the start of batch k's commit, batches 0..<k are committed: at most k + 3 are computed.
        for (batch, rows) in seen { #expect(rows <= (batch + 3) * 10, "batch \(batch): \(rows) rows computed") }
        #expect(seen.first?.computedRows == 30)
        #expect(reports.map(\.batchId) == Array(0..<Int64(reports.count)))
        #expect(reports.reduce(0) { $0 + $1.numInputRows } == 200)
        #expect(try fixture.table("events").count == 200)
    }

    final class Observations: @unchecked Sendable {
        private let lock = NSLock()
        private var entries: [(batch: Int64, computedRows: Int64)] = []
        private var started: StreamMaster<CountingJob>?
        var master: StreamMaster<CountingJob>? {
            get { lock.withLock { started } }
            set { lock.withLock { started = newValue } }
        }
        func record(batch: Int64, computedRows: Int64) { lock.withLock { entries.append((batch, computedRows)) } }
        var all: [(batch: Int64, computedRows: Int64)] { lock.withLock { entries } }
    }

    @Test("a restart continues from the checkpoint: no record twice, windows carried over in the state")
    func restart() async throws {
        let fixture = Fixture()
        let first = (0..<90).map { ("k\($0 % 2)", Int64(2_000 + $0 / 3)) }
        try fixture.append(first.map { Self.event($0.0, $0.1) })
        _ = try await fixture.run()
        let second = (90..<180).map { ("k\($0 % 2)", Int64(2_000 + $0 / 3)) }
        try fixture.append(second.map { Self.event($0.0, $0.1) } + [Self.event("late", 1_990)])
        let reports = try await fixture.run()
        #expect(reports.reduce(0) { $0 + $1.numInputRows } == 91)
        #expect(reports.reduce(0) { $0 + $1.lateRows } == 1)
        let watermark = try #require(reports.last?.watermark)
        #expect(try fixture.table("counts") == Self.expected(first + second, upTo: watermark))
        #expect(try fixture.table("events").count == 181)
    }

    @Test("a planned batch without its commit is replayed first with the same range and watermark")
    func replay() async throws {
        let fixture = Fixture()
        let events = (0..<40).map { ("x", Int64(3_000 + $0)) }
        try fixture.append(events.map { Self.event($0.0, $0.1) })
        _ = try await fixture.run()
        try fixture.append((40..<60).map { Self.event("x", 3_000 + Int64($0)) })
        // As if the previous run crashed right after writing offsets/N for lines 40..<50.
        let log = try CheckpointLog(directory: fixture.directory + "/checkpoints/counting")
        let last = try #require(log.batchIds("commits").last)
        let watermark = try #require(try log.recover().lastCommit?.nextWatermarkMicros)
        let partition = SourcePartition(topic: fixture.input, partition: 0)
        try log.writeOffsets(
            OffsetEntry(batchId: last + 1, timestampMs: 0, watermarkMicros: watermark, ranges: [partition: 40..<50]))
        let reports = try await fixture.run()
        #expect(reports.first?.batchId == last + 1)
        #expect(reports.first?.numInputRows == 10)
        #expect(reports.first?.watermark == watermark)
        #expect(reports.reduce(0) { $0 + $1.numInputRows } == 20)
        #expect(try fixture.table("events").count == 60)
    }

    @Test("an empty stream runs no batch and writes no checkpoint file")
    func empty() async throws {
        let fixture = Fixture()
        let reports = try await fixture.run()
        #expect(reports.isEmpty)
        let log = try CheckpointLog(directory: fixture.directory + "/checkpoints/counting")
        #expect(log.batchIds("offsets").isEmpty && log.batchIds("commits").isEmpty)
    }

    @Test("a second stream on the same data directory is refused while the first runs")
    func locked() async throws {
        let fixture = Fixture()
        var configuration = EngineConfiguration()
        configuration.dataDirectory = fixture.directory
        configuration.trigger = .milliseconds(10)
        let first = StreamMaster(
            job: CountingJob(), source: JSONLinesFileSource(path: fixture.input), configuration: configuration,
            logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await first.run() }
            // The first stream holds the lock once its first report exists or its checkpoint directory does.
            let deadline = ContinuousClock.now + .seconds(30)
            while !FileManager.default.fileExists(atPath: fixture.directory + "/checkpoints/counting/commits") {
                try #require(ContinuousClock.now < deadline, "the first stream never started")
                try await Task.sleep(for: .milliseconds(5))
            }
            do {
                _ = try await fixture.run()
                Issue.record("the second stream ran")
            } catch let error as StreamError {
                guard case .locked = error else {
                    Issue.record("unexpected error \(error)")
                    return
                }
            }
            first.requestStop()
            try await group.waitForAll()
        }
    }
}
