import Engine
import Foundation
import NIOPosix
import Storage
import Synchronization

/// Runs `souk analyze`: plans the scan of `tables/transactions` (directories, then row-group
/// statistics), then takes the row groups left one at a time: `workers` threads decode its columns
/// side by side (only the columns the sections need), then each adds its slice of the rows to its
/// own totals; the workers' totals are merged at the end, the transaction ids of the rows that can
/// enter the top list are read (side by side, only the pages holding them), and the dead letters counted.
package struct ReportScanner: Sendable {
    /// What to report on.
    package struct Configuration: Sendable {
        /// The stream's data directory. Default: `./souk-data`.
        package var dataDirectory = "./souk-data"
        /// Event-time range. Default: everything.
        package var range = ReportRange()
        /// Sections to compute, in the report's order. Default: all.
        package var sections = ReportSection.allCases
        /// Entries in the top customers and top transactions. Default: 10.
        package var top = 10
        /// Threads sharing each row group. Default: one per core.
        package var workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
        /// The stream job whose checkpoint holds the watermark. Default: `ecommerce`.
        package var job = "ecommerce"

        package init() {}
    }

    package let configuration: Configuration

    package init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// The report; `progress` is called with (row groups done, row groups planned) as workers go.
    package func run(progress: (@Sendable (Int, Int) -> Void)? = nil) async throws(ReportError) -> AnalyticsReport {
        let started = ContinuousClock.now
        let configuration = self.configuration
        let pool = NIOThreadPool(numberOfThreads: max(1, configuration.workers))
        pool.start()
        let result: Result<AnalyticsReport, ReportError>
        do {
            result = try await Self.report(configuration, pool: pool, started: started, progress: progress)
        } catch {
            result = .failure(.io(path: configuration.dataDirectory, reason: "\(error)"))
        }
        try? await pool.shutdownGracefully()
        return try result.get()
    }

    private static func report(
        _ configuration: Configuration, pool: NIOThreadPool, started: ContinuousClock.Instant,
        progress: (@Sendable (Int, Int) -> Void)?
    ) async throws -> Result<AnalyticsReport, ReportError> {
        let directory = DataDirectory(path: configuration.dataDirectory)
        let sections = Set(configuration.sections)
        var columns = sections.reduce(into: Set<String>()) { $0.formUnion($1.columns) }
        if !columns.isEmpty, !configuration.range.isUnbounded { columns.insert("timestamp") }
        let ordered = TransactionSchema.names.filter(columns.contains)
        let range = configuration.range

        let planned: Result<(ReportScanPlan, (batch: Int64, watermarkMicros: Int64)?), ReportError> =
            try await pool.runIfActive {
                do throws(ReportError) {
                    guard directory.hasTable("transactions") else {
                        throw .noData(
                            "no table at \(directory.path)/tables/transactions: run `souk stream` or `souk demo` with "
                                + "--data-dir \(directory.path) first")
                    }
                    let parts: [DataDirectory.Part]
                    let commit: (batch: Int64, watermarkMicros: Int64)?
                    do throws(ReadModelError) {
                        parts = try directory.parts(of: "transactions")
                        commit = try directory.newestCommit(job: configuration.job)
                    } catch { throw ReportError(error) }
                    guard !parts.isEmpty else {
                        throw .noData("\(directory.path)/tables/transactions holds no committed part yet")
                    }
                    let plan = try ReportScanPlan(parts: parts, columns: ordered, range: range)
                    return .success((plan, commit))
                } catch { return .failure(error) }
            }
        let (plan, commit) = try planned.get()

        let workers = max(1, configuration.workers)
        let slots = (0..<workers).map { worker in
            WorkerTotals(ReportAccumulator(sections: sections, top: configuration.top, partition: worker, of: workers))
        }
        var rowsRead: Int64 = 0
        var file: (path: String, reader: ParquetFileReader)?
        for (done, task) in plan.tasks.enumerated() {
            if file?.path != task.path {
                let opened: Result<ParquetFileReader, ReportError> = try await pool.runIfActive {
                    do { return .success(try ParquetFileReader(path: task.path)) } catch {
                        return .failure(.corrupt(path: task.path, reason: "\(error)"))
                    }
                }
                switch opened {
                case .success(let reader): file = (task.path, reader)
                case .failure(let error): return .failure(error)
                }
            }
            guard let reader = file?.reader else { continue }
            var rowGroup: ReportColumns
            switch try await Self.decode(task, columns: ordered, workers: workers, file: reader, pool: pool) {
            case .success(let decoded): rowGroup = decoded
            case .failure(let error): return .failure(error)
            }
            rowGroup.select(range)
            rowsRead += Int64(rowGroup.selection?.count ?? rowGroup.count)
            try await Self.fold(rowGroup, into: slots, pool: pool)
            progress?(done + 1, plan.tasks.count)
        }
        var merged = ReportTotals(top: TopN(n: sections.contains(.topTransactions) ? configuration.top : 0))
        for slot in slots { merged.merge(slot.totals.withLock { $0.finish() }) }
        if merged.transactions == 0, !columns.isEmpty {
            return .failure(.noData(Self.emptyMessage(range: range, directory: directory)))
        }
        // The ids of the rows that can enter the top transactions, read side by side.
        switch try await Self.readIDs(merged.candidates, workers: workers, pool: pool) {
        case .success(let top): merged.top = top
        case .failure(let error): return .failure(error)
        }

        let letters: Result<AnalyticsReport.DeadLetters, ReportError> = try await pool.runIfActive {
            guard sections.contains(.deadLetters), let lastCommit = commit?.batch else {
                return .success(.init(late: 0, malformed: 0))
            }
            do throws(ReportError) {
                return .success(try Self.deadLetters(directory, through: lastCommit, range: range))
            } catch { return .failure(error) }
        }
        let elapsed = ContinuousClock.now - started
        var scan = AnalyticsReport.Scan(fromMicros: range.fromMicros, toMicros: range.toMicros)
        scan.filesTotal = plan.filesTotal
        scan.files = plan.files
        scan.rowGroupsTotal = plan.rowGroupsTotal
        scan.rowGroups = plan.tasks.count
        scan.rows = rowsRead
        scan.columns = ordered
        scan.bytes = plan.tasks.reduce(0) { $0 + $1.bytes }
        scan.seconds = elapsed.inSeconds
        return .success(
            AnalyticsReport(
                sections: configuration.sections, totals: merged, top: configuration.top,
                watermarkMicros: commit?.watermarkMicros,
                asOfMicros: Int64((Date().timeIntervalSince1970 * 1_000_000).rounded(.down)),
                deadLetters: try letters.get(), scan: scan))
    }

    /// Decodes the columns of `task`'s row group side by side: each worker takes the next column not
    /// yet taken, the largest chunks first.
    private static func decode(
        _ task: ReportScanPlan.Task, columns: [String], workers: Int, file: ParquetFileReader, pool: NIOThreadPool
    ) async throws -> Result<ReportColumns, ReportError> {
        // The transaction ids are read later, for the rows that can enter the top transactions alone.
        let order = columns.indices.filter { columns[$0] != "transaction_id" }
            .sorted { task.columnBytes[$0] > task.columnBytes[$1] }
        let decoded = try await sideBySide(order.count, workers: workers, pool: pool) {
            (taken) -> Result<ReportColumns, ParquetError> in
            do throws(ParquetError) {
                return .success(try ReportColumns(file: file, group: task.group, column: columns[order[taken]]))
            } catch { return .failure(error) }
        }
        do throws(ParquetError) {
            var columns = ReportColumns()
            // In the plan's column order, whatever order they were decoded in.
            for (position, column) in zip(order, decoded).sorted(by: { $0.0 < $1.0 }).map(\.1).enumerated() {
                try columns.absorb(try column.get(), first: position == 0)
            }
            return .success(columns)
        } catch {
            return .failure(.corrupt(path: task.path, reason: "row group \(task.group): \(error)"))
        }
    }

    /// Runs `job(0..<count)` on up to `workers` pool threads, each thread taking the next job not yet
    /// taken; the results in job order.
    private static func sideBySide<Output: Sendable>(
        _ count: Int, workers: Int, pool: NIOThreadPool, _ job: @escaping @Sendable (Int) -> Output
    ) async throws -> [Output] {
        let next = NextIndex()
        let done = try await withThrowingTaskGroup(of: [(Int, Output)].self) { group in
            for _ in 0..<min(workers, count) {
                group.addTask {
                    try await pool.runIfActive {
                        var done: [(Int, Output)] = []
                        while true {
                            let taken = next.value.add(1, ordering: .relaxed).oldValue
                            guard taken < count else { return done }
                            done.append((taken, job(taken)))
                        }
                    }
                }
            }
            var all: [(Int, Output)] = []
            for try await some in group { all += some }
            return all
        }
        return done.sorted { $0.0 < $1.0 }.map(\.1)
    }

    /// Adds the rows of a decoded row group: worker `w` of `W` takes the `w`-th of `W` equal slices
    /// (and its part of the users over every row) into its own totals. The split is the same every
    /// run, so the sums are added in the same order and a report is the same to the last digit.
    private static func fold(_ columns: ReportColumns, into slots: [WorkerTotals], pool: NIOThreadPool) async throws {
        let count = columns.count
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (worker, slot) in slots.enumerated() {
                // Every worker runs, even with an empty slice: it adds its users over every row.
                let rows = (count * worker / slots.count)..<(count * (worker + 1) / slots.count)
                group.addTask {
                    try await pool.runIfActive { slot.totals.withLock { $0.add(columns, rows: rows) } }
                }
            }
            try await group.waitForAll()
        }
    }

    /// The top transactions: the candidates' ids read by the workers side by side, then ranked.
    private static func readIDs(_ candidates: TopCandidates, workers: Int, pool: NIOThreadPool) async throws
        -> Result<TopN<Transaction>, ReportError>
    {
        let reads = candidates.idReads(parts: workers)
        let done = try await sideBySide(reads.count, workers: workers, pool: pool) {
            (taken) -> Result<[String], ReportError> in
            do throws(ReportError) { return .success(try reads[taken].read()) } catch { return .failure(error) }
        }
        var read: [(read: TopCandidates.IDRead, ids: [String])] = []
        for (reading, result) in zip(reads, done) {
            switch result {
            case .success(let ids): read.append((reading, ids))
            case .failure(let error): return .failure(error)
            }
        }
        return .success(candidates.ranked(read))
    }

    /// Late records in range (by their event time) and malformed ones, of the committed batches.
    private static func deadLetters(_ directory: DataDirectory, through lastCommit: Int64, range: ReportRange)
        throws(ReportError) -> AnalyticsReport.DeadLetters
    {
        var letters = AnalyticsReport.DeadLetters(late: 0, malformed: 0)
        do throws(ReadModelError) {
            for (_, path) in try directory.deadLetterFiles(.late, through: lastCommit) {
                if range.isUnbounded {
                    letters.late += Int64(try DataDirectory.lines(of: path).count)
                } else if let rows = try CommittedTables.lateRecords(at: path).rows {
                    letters.late += Int64(rows.times.count { range.contains($0) })
                }
            }
            for (_, path) in try directory.deadLetterFiles(.malformed, through: lastCommit) {
                letters.malformed += Int64(try DataDirectory.lines(of: path).count)
            }
        } catch { throw ReportError(error) }
        return letters
    }

    private static func emptyMessage(range: ReportRange, directory: DataDirectory) -> String {
        let from = range.fromMicros.map { ISO8601Timestamp.format(micros: $0) } ?? "the start"
        let to = range.toMicros.map { ISO8601Timestamp.format(micros: $0) } ?? "the end"
        if range.isUnbounded { return "\(directory.path)/tables/transactions holds no committed transaction yet" }
        return "no committed transaction from \(from) to \(to) in \(directory.path)/tables/transactions"
    }
}

/// One worker's totals, folded into by one pool job at a time.
final class WorkerTotals: Sendable {
    let totals: Locked<ReportAccumulator>

    init(_ accumulator: ReportAccumulator) {
        totals = Locked(accumulator)
    }
}

/// The next of a list of jobs that workers take one at a time.
final class NextIndex: Sendable {
    let value = Atomic(0)
}
