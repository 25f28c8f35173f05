import Engine
import Foundation
import NIOPosix
import Storage
import Synchronization

/// Runs `souk analyze`: plans the scan of `tables/transactions` (directories, then row-group
/// statistics), decodes the row groups left on `workers` threads, one row group at a time per
/// worker and only the columns the sections need, and adds the dead-letter counts.
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
        /// Threads decoding row groups. Default: one per core.
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

        let progressCounter = ScanProgress()
        let tasks = plan.tasks
        let top = configuration.top
        let workers = max(1, min(configuration.workers, tasks.count))
        typealias WorkerResult = (Int, Result<(ReportTotals, Int64), ReportError>)
        let totals = try await withThrowingTaskGroup(of: WorkerResult.self) { group in
            for worker in 0..<workers {
                group.addTask {
                    let result = try await pool.runIfActive {
                        // Worker w takes row groups w, w + workers, …: the same split every run, so the
                        // sums are added in the same order and a report is the same to the last digit.
                        Self.work(
                            stride(from: worker, to: tasks.count, by: workers).map { tasks[$0] },
                            progress: progressCounter,
                            columns: ordered, range: range, sections: sections, top: top
                        ) { progress?($0, tasks.count) }
                    }
                    return (worker, result)
                }
            }
            var results: [WorkerResult] = []
            for try await result in group {
                if case .failure = result.1 { group.cancelAll() }
                results.append(result)
            }
            var merged = ReportTotals(top: TopN(n: sections.contains(.topTransactions) ? top : 0))
            var rows: Int64 = 0
            for (_, result) in results.sorted(by: { $0.0 < $1.0 }) {
                switch result {
                case .success(let (totals, read)):
                    merged.merge(totals)
                    rows += read
                case .failure(let error):
                    return Result<(ReportTotals, Int64), ReportError>.failure(error)
                }
            }
            return .success((merged, rows))
        }
        let (merged, rowsRead) = try totals.get()
        if merged.transactions == 0, !columns.isEmpty {
            return .failure(.noData(Self.emptyMessage(range: range, directory: directory)))
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
        scan.rowGroups = tasks.count
        scan.rows = rowsRead
        scan.columns = ordered
        scan.bytes = tasks.reduce(0) { $0 + $1.bytes }
        scan.seconds = elapsed.inSeconds
        return .success(
            AnalyticsReport(
                sections: configuration.sections, totals: merged, top: top, watermarkMicros: commit?.watermarkMicros,
                asOfMicros: Int64((Date().timeIntervalSince1970 * 1_000_000).rounded(.down)),
                deadLetters: try letters.get(), scan: scan))
    }

    /// One worker: decodes and adds its row groups in order; returns its totals and the rows it
    /// decoded.
    private static func work(
        _ tasks: [ReportScanPlan.Task], progress counter: ScanProgress, columns: [String],
        range: ReportRange, sections: Set<ReportSection>, top: Int, progress: (Int) -> Void
    ) -> Result<(ReportTotals, Int64), ReportError> {
        var accumulator = ReportAccumulator(sections: sections, top: top)
        var reader: (path: String, file: ParquetFileReader)?
        var rows: Int64 = 0
        for task in tasks {
            do throws(ReportError) {
                if reader?.path != task.path {
                    do { reader = (task.path, try ParquetFileReader(path: task.path)) } catch {
                        throw .corrupt(path: task.path, reason: "\(error)")
                    }
                }
                guard let file = reader?.file else { continue }
                var decoded: ReportColumns
                do { decoded = try ReportColumns(file: file, group: task.group, names: columns) } catch {
                    throw .corrupt(path: task.path, reason: "row group \(task.group): \(error)")
                }
                decoded.select(range)
                rows += Int64(decoded.count)
                accumulator.add(decoded)
            } catch { return .failure(error) }
            progress(counter.done.add(1, ordering: .relaxed).newValue)
        }
        return .success((accumulator.finish(), rows))
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

/// Row groups the workers have done, together.
final class ScanProgress: Sendable {
    let done = Atomic(0)
}
