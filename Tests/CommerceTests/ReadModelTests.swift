import Engine
import Foundation
import Logging
import Storage
import Testing

@testable import Commerce

@Suite("The read model")
struct ReadModelTests {
    static let minute: Int64 = 60_000_000
    /// 2026-12-02T12:00:00Z.
    static let noon: Int64 = 1_796_212_800_000_000

    @Test("shares, sorting (ties by name), top transactions and the window span come from one place")
    func arithmetic() throws {
        var summary = CommerceSummary()
        summary.revenue = 100
        summary.transactions = 8
        summary.items = 20
        summary.maxEventMicros = Self.noon + 90 * Self.minute + 5_000_000
        summary.categories.add("Books", RevenueAggregate(revenue: 25, transactions: 2, items: 4))
        summary.categories.add("Beauty", RevenueAggregate(revenue: 25, transactions: 4, items: 10))
        summary.categories.add("Sports", RevenueAggregate(revenue: 50, transactions: 2, items: 6))
        let windows = (0...90).map { minute in
            CommerceWindow(
                id: CommerceWindowKey(
                    windowStart: Self.noon + Int64(minute) * Self.minute, dimension: .city, key: "Rabat"),
                windowEnd: Self.noon + Int64(minute + 1) * Self.minute,
                aggregate: RevenueAggregate(revenue: 1, transactions: 1, items: 1))
        }
        let snapshot = CommerceSnapshot(
            summary: summary, windows: windows.reversed(), watermarkMicros: Self.noon, asOfMicros: Self.noon + 1)
        #expect(snapshot.categories.map(\.value) == ["Sports", "Beauty", "Books"])
        #expect(snapshot.categories[0].revenueShare == 0.5 && snapshot.categories[0].transactionShare == 0.25)
        #expect(snapshot.categories[1].transactionShare == 0.5)
        #expect(snapshot.stats.averageAmount == 12.5)
        // The newest event is at 13:30:05: the hour before it holds the windows from 12:31 to 13:30.
        #expect(snapshot.windows.city.count == 60)
        #expect(snapshot.windows.city.first?.startMicros == Self.noon + 31 * Self.minute)
        #expect(snapshot.windows.city.last?.startMicros == Self.noon + 90 * Self.minute)
        #expect(snapshot.windows.category.isEmpty)

        let json = try OrderedJSONEncoder().encode(snapshot)
        #expect(json.hasPrefix(#"{"stats":{"revenue":100.0,"transactions":8,"unique_users":0,"average_amount":12.5,"#))
        #expect(
            json.contains(
                #"{"category":"Sports","revenue":50.0,"transactions":2,"items":6,"revenue_share":0.5,"transaction_share":0.25}"#
            ), "\(json)")
        #expect(json.contains(#""watermark":"2026-12-02T12:00:00.000000Z","as_of":"2026-12-02T12:00:00.000001Z""#))
        #expect(
            json.contains(#""window_start":"2026-12-02T13:30:00.000000Z","window_end":"2026-12-02T13:31:00.000000Z""#))

        let empty = CommerceSnapshot(
            summary: CommerceSummary(), windows: [], watermarkMicros: Int64.min, asOfMicros: 0)
        #expect(empty.stats.watermarkMicros == nil && empty.stats.averageAmount == 0)
        #expect(try OrderedJSONEncoder().encode(empty.stats).contains(#""items":0,"watermark":null,"as_of":"#))
    }

    /// A stream of transactions 100 ms apart over several minutes, run in batches of 400 rows per
    /// partition so the watermark moves, with malformed lines and late records: some far behind,
    /// one behind its batch's watermark but inside a window the final watermark leaves open.
    struct Dataset {
        var lines: [String] = []
        var valid: [Transaction] = []
        var late: Set<String> = []
        var lateInOpenWindow: String?

        init() {
            var generator = TransactionGenerator(seed: 2026)
            // Event times from 12:00:00 to 12:04:59.9; the newest is 12:04:59.9, so the final
            // watermark is 12:04:49.9 and the window 12:04–12:05 stays open.
            for index in 0..<3_000 {
                let t = generator.next(timestampMicros: ReadModelTests.noon + Int64(index) * 100_000)
                lines.append(t.json)
                valid.append(t)
                if index % 500 == 250 { lines.append("{\"transaction_id\": \"broken\", \"amount\": ") }
                if index == 2_000 {
                    // Far behind every watermark from the third batch on.
                    var old = generator.next(timestampMicros: ReadModelTests.noon + 5_000_000)
                    old.transactionID = "late-far"
                    lines.append(old.json)
                    valid.append(old)
                    late.insert(old.transactionID)
                }
            }
            // Behind the watermark of the last batch (12:04:49.9 at the latest batch before it is
            // 12:04:49.9 − a little) yet in the open window 12:04–12:05.
            var behind = generator.next(timestampMicros: ReadModelTests.noon + 4 * ReadModelTests.minute + 1_000_000)
            behind.transactionID = "late-open"
            behind.category = "Books"
            lines.append(behind.json)
            valid.append(behind)
            late.insert(behind.transactionID)
            lateInOpenWindow = behind.transactionID
        }
    }

    @Test("after `souk stream --once`, the live view and the committed tables give equal snapshots")
    func bothSourcesAgree() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("souk-readmodel-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let dataset = Dataset()
        let input = directory + "/input.jsonl"
        try Data((dataset.lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: input))

        var configuration = EngineConfiguration()
        configuration.dataDirectory = directory + "/data"
        configuration.once = true
        configuration.trigger = .zero
        configuration.workers = 2
        configuration.maxRecordsPerPartition = 400
        configuration.mapPieceLines = 150
        let master = StreamMaster(
            job: CommerceJob(), source: JSONLinesFileSource(path: input, pieceLines: 150),
            configuration: configuration, logger: Logger(label: "test"))
        try await master.run()

        let live = await CommerceSnapshot.live(master.liveView, asOfMicros: 0)
        let tables = try CommittedTables.snapshot(dataDirectory: configuration.dataDirectory, asOfMicros: 0)
        Self.expectEqual(live, tables)

        // Both equal an independent recomputation.
        let valid = dataset.valid
        #expect(live.stats.transactions == Int64(valid.count))
        #expect(abs(live.stats.revenue - valid.reduce(0) { $0 + $1.amount }) < 1e-6)
        #expect(live.stats.items == valid.reduce(0) { $0 + Int64($1.quantity) })
        #expect(live.stats.uniqueUsers == Set(valid.map(\.userID)).count)
        let top = valid.sorted { $0.amount != $1.amount ? $0.amount > $1.amount : $0.transactionID < $1.transactionID }
        #expect(live.topTransactions.map(\.transaction.transactionID) == top.prefix(10).map(\.transactionID))
        for share in live.categories {
            let rows = valid.filter { $0.category == share.value }
            #expect(share.transactions == Int64(rows.count))
            #expect(abs(share.revenue - rows.reduce(0) { $0 + $1.amount }) < 1e-6)
        }
        let watermark = try #require(live.stats.watermarkMicros)
        #expect(watermark == Self.noon + 299_900_000 - 10_000_000)

        // Late records: in the totals, never in a window; one of them lies in the open window.
        let letters = try String(
            contentsOfFile: configuration.dataDirectory + "/deadletter/late/"
                + (try lateFile(configuration.dataDirectory)), encoding: .utf8)
        #expect(letters.contains("late-open"))
        let openStart = Self.noon + 4 * Self.minute
        let books = try #require(live.windows.category.first { $0.startMicros == openStart && $0.key == "Books" })
        let onTimeBooks = valid.filter {
            $0.category == "Books" && $0.timestampMicros >= openStart && !dataset.late.contains($0.transactionID)
        }
        #expect(books.transactions == Int64(onTimeBooks.count))
        #expect(books.endMicros > watermark, "the window is still open")
        #expect(live.windows.city.count == 5 * 6, "five minutes of six cities")
    }

    /// The name of the late dead-letter file holding the record that stays in an open window.
    private func lateFile(_ data: String) throws -> String {
        let names = try FileManager.default.contentsOfDirectory(atPath: data + "/deadletter/late")
        return try #require(
            names.first {
                (try? String(contentsOfFile: data + "/deadletter/late/" + $0, encoding: .utf8))?.contains("late-open")
                    == true
            })
    }

    /// Equal but for the order of floating-point additions (relative 1e-9).
    static func expectEqual(
        _ a: CommerceSnapshot, _ b: CommerceSnapshot, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        func close(_ x: Double, _ y: Double) -> Bool { abs(x - y) <= 1e-9 * max(1, abs(x), abs(y)) }
        var x = a
        let y = b
        #expect(close(x.stats.revenue, y.stats.revenue), sourceLocation: sourceLocation)
        #expect(close(x.stats.averageAmount, y.stats.averageAmount), sourceLocation: sourceLocation)
        (x.stats.revenue, x.stats.averageAmount) = (y.stats.revenue, y.stats.averageAmount)
        #expect(x.stats == y.stats, sourceLocation: sourceLocation)
        for dimension in CommerceDimension.allCases {
            let (left, right) = (x.shares(of: dimension), y.shares(of: dimension))
            #expect(left.map(\.value) == right.map(\.value), sourceLocation: sourceLocation)
            for (l, r) in zip(left, right) {
                #expect(l.transactions == r.transactions && l.items == r.items, sourceLocation: sourceLocation)
                #expect(
                    close(l.revenue, r.revenue) && close(l.revenueShare, r.revenueShare), sourceLocation: sourceLocation
                )
                #expect(l.transactionShare == r.transactionShare, sourceLocation: sourceLocation)
            }
            let (lw, rw) = (x.windows[dimension], y.windows[dimension])
            #expect(lw.map(\.startMicros) == rw.map(\.startMicros), sourceLocation: sourceLocation)
            #expect(lw.map(\.key) == rw.map(\.key), sourceLocation: sourceLocation)
            #expect(lw.map(\.transactions) == rw.map(\.transactions), sourceLocation: sourceLocation)
            #expect(lw.map(\.items) == rw.map(\.items), sourceLocation: sourceLocation)
            #expect(zip(lw, rw).allSatisfy { close($0.revenue, $1.revenue) }, sourceLocation: sourceLocation)
            #expect(!lw.isEmpty, "no \(dimension.name) window", sourceLocation: sourceLocation)
        }
        #expect(x.topTransactions == y.topTransactions, sourceLocation: sourceLocation)
        #expect(x.topTransactions.count == 10, sourceLocation: sourceLocation)
    }
}

@Suite("Following the committed tables")
struct CommittedTablesFollowTests {
    @Test("a refresh reads only the parts committed since the last one, and ends where a full read does")
    func followsIncrementally() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("souk-follow-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let input = directory + "/input.jsonl"
        let lines = ReadModelTests.Dataset().lines
        let half = lines.count / 2

        func run(_ slice: ArraySlice<String>) async throws {
            let handle: FileHandle
            if FileManager.default.fileExists(atPath: input) {
                handle = try FileHandle(forWritingTo: URL(fileURLWithPath: input))
                try handle.seekToEnd()
            } else {
                _ = FileManager.default.createFile(atPath: input, contents: nil)
                handle = try FileHandle(forWritingTo: URL(fileURLWithPath: input))
            }
            try handle.write(contentsOf: Data((slice.joined(separator: "\n") + "\n").utf8))
            try handle.close()
            var configuration = EngineConfiguration()
            configuration.dataDirectory = directory + "/data"
            configuration.once = true
            configuration.trigger = .zero
            configuration.maxRecordsPerPartition = 400
            try await StreamMaster(
                job: CommerceJob(), source: JSONLinesFileSource(path: input), configuration: configuration,
                logger: Logger(label: "test")
            ).run()
        }

        try await run(lines[..<half])
        var tables = CommittedTables(dataDirectory: directory + "/data")
        #expect(try tables.refresh())
        let first = tables.filesRead
        #expect(first > 0 && tables.summary.transactions > 0)
        #expect(try tables.refresh() == false, "nothing new: nothing read")
        #expect(tables.filesRead == first)

        try await run(lines[half...])
        #expect(try tables.refresh())
        let committed = DataDirectory(path: tables.dataDirectory)
        let parts = try committed.parts(of: "transactions").count + committed.parts(of: "windows").count
        #expect(tables.filesRead == parts, "each part read once: \(tables.filesRead) reads of \(parts) parts")
        #expect(tables.summary.transactions == Int64(ReadModelTests.Dataset().valid.count))
        let full = try CommittedTables.snapshot(dataDirectory: directory + "/data", asOfMicros: 0)
        ReadModelTests.expectEqual(tables.snapshot(asOfMicros: 0), full)
    }
}
