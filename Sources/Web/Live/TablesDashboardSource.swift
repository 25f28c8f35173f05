import Commerce
import Engine
import NIOPosix

/// The dashboard over the committed tables of a data directory, with no engine in the process: it
/// follows new commits, reading only the parts and dead letters it has not read yet.
package actor TablesDashboardSource: DashboardSource {
    private var tables: CommittedTables
    private var changeCount = 0
    private let io: NIOThreadPool

    /// `io` runs the file reads, off Swift's cooperative pool.
    package init(dataDirectory: String, io: NIOThreadPool = .singleton) {
        tables = CommittedTables(dataDirectory: dataDirectory)
        self.io = io
    }

    package nonisolated var mode: DashboardMode { .tables }

    package func refresh() async throws -> Bool {
        let current = tables
        let (next, changed) = try await io.runIfActive { () throws -> (CommittedTables, Bool) in
            var copy = current
            let changed = try copy.refresh()
            return (copy, changed)
        }
        tables = next
        if changed { changeCount += 1 }
        return changed
    }

    package func version() -> Int { changeCount }

    package nonisolated func changes() -> AsyncStream<Int>? { nil }

    package func snapshot(windowMinutes: Int, topCount: Int, asOfMicros: Int64) -> CommerceSnapshot {
        tables.snapshot(asOfMicros: asOfMicros, windowMinutes: windowMinutes, topCount: topCount)
    }

    package func progress(last count: Int) -> [StreamingProgress] { [] }

    package func status(asOfMicros: Int64) -> DashboardStatus {
        DashboardStatus(
            mode: .tables, watermarkMicros: tables.watermarkMicros, newestEventMicros: tables.summary.maxEventMicros,
            lateRows: tables.lateRecords,
            malformedRows: tables.malformedRecords, batchId: tables.lastCommit, asOfMicros: asOfMicros)
    }
}
