import ArgumentParser
import Commerce
import Foundation
import Storage

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `souk analyze`: the batch report over the committed tables of a data directory, on Souk's own
/// Parquet reader: totals, the three dimensions, hours, baskets by city, top customers and
/// transactions, dead letters, and what was read.
struct AnalyzeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Report on the committed tables: totals, categories, cities, hours, top lists.",
        discussion: """
            Reads <data-dir>/tables/transactions (only what a stream committed) and <data-dir>/deadletter. \
            --from/--to take ISO-8601 times (2026-12-02, 2026-12-02T10:30, 2026-12-02T10:30:00Z; no zone means UTC; \
            --to is exclusive) and skip hour directories and row groups outside the range before reading rows. \
            Sections: \(ReportSection.allCases.map(\.rawValue).joined(separator: ", ")).
            """)

    @Option(help: "The stream's data directory.") var dataDir = "./souk-data"
    @Option(help: "Report on transactions from this event time on (ISO-8601; no zone means UTC).") var from: String?
    @Option(help: "Report on transactions before this event time (exclusive).") var to: String?
    @Option(help: "Entries in the top customers and top transactions (1 to 10000).") var top = 10
    @Option(help: "Output format: table, json, csv, markdown or html.") var format = "table"
    @Option(help: "Report only this section (repeatable; csv needs at least one).") var section: [String] = []
    @Option(
        help:
            "Threads sharing each row group: its columns decoded side by side, its rows added in slices (default: one per core)."
    ) var workers: Int?

    func validate() throws {
        _ = try range()
        guard (1...10_000).contains(top) else { throw ValidationError("--top must be from 1 to 10000") }
        guard let format = ReportFormat(rawValue: format) else {
            throw ValidationError(
                "unknown --format '\(format)' (one of \(ReportFormat.allCases.map(\.rawValue).joined(separator: ", ")))"
            )
        }
        _ = try sections()
        if format == .csv, section.isEmpty {
            throw ValidationError("--format csv prints chosen sections: add --section NAME (e.g. --section categories)")
        }
        if let workers, !(1...256).contains(workers) { throw ValidationError("--workers must be from 1 to 256") }
    }

    func range() throws -> ReportRange {
        var range = ReportRange()
        for (flag, text) in [("--from", from), ("--to", to)] {
            guard let text else { continue }
            guard let micros = ReportRange.parseTime(text) else {
                throw ValidationError("\(flag) '\(text)' is not an ISO-8601 time (e.g. 2026-12-02T10:00 or 2026-12-02)")
            }
            if flag == "--from" { range.fromMicros = micros } else { range.toMicros = micros }
        }
        guard !range.isEmpty else { throw ValidationError("--to must be later than --from") }
        return range
    }

    /// The sections asked for, in the report's order (all when none is named).
    func sections() throws -> [ReportSection] {
        var chosen = Set<ReportSection>()
        for name in section {
            guard let value = ReportSection(rawValue: name) else {
                throw ValidationError(
                    "unknown --section '\(name)' (one of \(ReportSection.allCases.map(\.rawValue).joined(separator: ", ")))"
                )
            }
            chosen.insert(value)
        }
        return chosen.isEmpty ? ReportSection.allCases : ReportSection.allCases.filter(chosen.contains)
    }

    func run() async throws {
        var configuration = ReportScanner.Configuration()
        configuration.dataDirectory = dataDir
        configuration.range = try range()
        configuration.sections = try sections()
        configuration.top = top
        if let workers { configuration.workers = workers }
        let bar = ScanProgressBar.onTerminal()
        var progress: (@Sendable (Int, Int) -> Void)?
        if let bar { progress = { done, total in bar.update(done: done, total: total) } }
        let report: AnalyticsReport
        do {
            report = try await ReportScanner(configuration: configuration).run(progress: progress)
        } catch {
            bar?.clear()
            throw CommandFailure(command: "analyze", message: "\(error)")
        }
        bar?.clear()
        let output = (ReportFormat(rawValue: format) ?? .table).render(report, dataDirectory: dataDir)
        FileHandle.standardOutput.write(Data(output.utf8))
    }
}

/// A progress bar on stderr while a scan runs, when stderr is a terminal: drawn once the scan has
/// taken more than a moment, redrawn at most every 100 ms, cleared at the end.
final class ScanProgressBar: Sendable {
    private struct State {
        var lastDraw: ContinuousClock.Instant?
        var drawn = false
    }

    private let started = ContinuousClock.now
    private let state = Locked(State())

    /// A bar when stderr is a terminal (and `TERM` is not `dumb`); nil otherwise.
    static func onTerminal() -> ScanProgressBar? {
        StatusLine.standardErrorIsTerminal ? ScanProgressBar() : nil
    }

    func update(done: Int, total: Int) {
        let now = ContinuousClock.now
        guard now - started > .milliseconds(300), total > 0 else { return }
        let draw = state.withLock { state -> Bool in
            if let last = state.lastDraw, now - last < .milliseconds(100), done < total { return false }
            state.lastDraw = now
            state.drawn = true
            return true
        }
        guard draw else { return }
        let width = 30
        let filled = min(width, done * width / total)
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        writeToStandardError("\r\u{1B}[2KScanning \(bar) \(done * 100 / total)% (\(done) of \(total) row groups)")
    }

    func clear() {
        if state.withLock({ $0.drawn }) { writeToStandardError("\r\u{1B}[2K") }
    }
}
