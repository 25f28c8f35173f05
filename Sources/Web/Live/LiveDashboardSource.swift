import Commerce
import Engine

/// The dashboard over a running engine: its live view, which every batch updates as soon as it is
/// computed (before its commit), and the consumer lag the engine reports.
package struct LiveDashboardSource: DashboardSource {
    package let liveView: LiveView<CommerceJob>
    private let lag: @Sendable () async -> Int64?

    /// `lag` gives the records the source holds that the engine has not read yet (nil when unknown).
    package init(liveView: LiveView<CommerceJob>, lag: @escaping @Sendable () async -> Int64? = { nil }) {
        self.liveView = liveView
        self.lag = lag
    }

    package var mode: DashboardMode { .live }

    package func refresh() async throws -> Bool { false }

    package func version() async -> Int { await liveView.version }

    package func changes() -> AsyncStream<Int>? { liveView.changes.watch() }

    package func snapshot(windowMinutes: Int, topCount: Int, asOfMicros: Int64) async -> CommerceSnapshot {
        await CommerceSnapshot.live(liveView, asOfMicros: asOfMicros, windowMinutes: windowMinutes, topCount: topCount)
    }

    package func progress(last count: Int) async -> [StreamingProgress] {
        await liveView.progress(last: count)
    }

    package func status(asOfMicros: Int64) async -> DashboardStatus {
        let figures = await liveView.figures
        let newest = await liveView.summary.maxEventMicros
        let last = figures.lastProgress
        return DashboardStatus(
            mode: .live, eventsPerSecond: last == nil ? nil : figures.rowsPerSecond, consumerLag: await lag(),
            lastBatchMs: last?.durationMs.triggerExecution, watermarkMicros: last?.watermark, newestEventMicros: newest,
            lateRows: figures.lateRows, malformedRows: figures.malformedRows, batchId: last?.batchId,
            asOfMicros: asOfMicros)
    }
}
