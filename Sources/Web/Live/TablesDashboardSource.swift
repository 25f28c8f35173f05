import Commerce
import Engine
import NIOPosix

/// The dashboard over the committed tables of a data directory, with no engine in the process: it
/// follows new commits, reading only the parts and dead letters it has not read yet. Over several
/// data directories (stream replicas sharing a topic in one consumer group) it serves their sum.
package actor TablesDashboardSource: DashboardSource {
    private var tables: [CommittedTables]
    private var changeCount = 0
    private let io: NIOThreadPool

    /// `io` runs the file reads, off Swift's cooperative pool.
    package init(dataDirectory: String, io: NIOThreadPool = .singleton) {
        self.init(dataDirectories: [dataDirectory], io: io)
    }

    /// The sum of the tables of `dataDirectories`, one or more.
    package init(dataDirectories: [String], io: NIOThreadPool = .singleton) {
        tables = dataDirectories.map { CommittedTables(dataDirectory: $0) }
        self.io = io
    }

    package nonisolated var mode: DashboardMode { .tables }

    package func refresh() async throws -> Bool {
        let current = tables
        let (next, changed) = try await io.runIfActive { () throws -> ([CommittedTables], Bool) in
            var copy = current
            var changed = false
            for index in copy.indices { changed = try copy[index].refresh() || changed }
            return (copy, changed)
        }
        tables = next
        if changed { changeCount += 1 }
        return changed
    }

    package func version() -> Int { changeCount }

    package nonisolated func changes() -> AsyncStream<Int>? { nil }

    package func snapshot(windowMinutes: Int, topCount: Int, asOfMicros: Int64) -> CommerceSnapshot {
        CommittedTables.snapshot(of: tables, asOfMicros: asOfMicros, windowMinutes: windowMinutes, topCount: topCount)
    }

    package func progress(last count: Int) -> [StreamingProgress] { [] }

    package func status(asOfMicros: Int64) -> DashboardStatus {
        DashboardStatus(
            mode: .tables, watermarkMicros: tables.compactMap(\.watermarkMicros).min(),
            newestEventMicros: tables.compactMap(\.summary.maxEventMicros).max(),
            lateRows: tables.reduce(0) { $0 + $1.lateRecords },
            malformedRows: tables.reduce(0) { $0 + $1.malformedRecords },
            // Batch numbers of different replicas do not add up: one is shown only for one directory.
            batchId: tables.count == 1 ? tables.first?.lastCommit : nil, asOfMicros: asOfMicros)
    }
}
