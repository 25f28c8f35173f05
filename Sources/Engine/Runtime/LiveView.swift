/// The live-view sink: the job's running totals, the current (open) windows in update mode, the
/// newest closed windows and the progress reports, read by the dashboard while the stream runs.
///
/// `version` grows with every batch published and every progress report, so a reader can tell
/// cheaply whether anything changed. Watchers of `changes` are signalled once per batch, when its
/// progress report arrives after its commit: the batch's results were published when it was computed
/// (a request sees them at once), and one push then carries them with the batch's figures, instead of
/// two pushes a batch to every dashboard.
public actor LiveView<Job: StreamJob> {
    public struct Snapshot: Sendable {
        public var summary: Job.Summary
        public var openWindows: [Job.Update]
        public var recentResults: [Job.Result]
        public var progress: [StreamingProgress]
        public var watermarkMicros: Int64
    }

    /// Running figures of the progress reports since the stream started.
    public struct Figures: Sendable {
        public var lastProgress: StreamingProgress?
        /// Input rows per second over the batches of the last 10 seconds (their reports' clock).
        public var rowsPerSecond: Double
        public var lateRows: Int64
        public var malformedRows: Int64
    }

    private var currentSummary: Job.Summary
    private var open: [Job.Update.ID: Job.Update] = [:]
    private var recent: [Job.Result] = []
    private var progress: ProgressRing
    private var watermark = Int64.min
    private let recentLimit: Int
    private let job: Job
    private var lateRows: Int64 = 0
    private var malformedRows: Int64 = 0
    /// (when the report was recorded, its input rows), the last 10 seconds of them.
    private var rates: [(ContinuousClock.Instant, Int)] = []
    /// Grows with every change.
    public private(set) var version = 0
    /// Signals the `version` of each committed batch to the readers that watch it (the dashboard pushes
    /// on it).
    public nonisolated let changes = ChangeSignal()

    public init(job: Job, progressReports: Int = 100, recentLimit: Int = 10_000) {
        self.job = job
        self.currentSummary = job.makeSummary()
        self.progress = ProgressRing(capacity: progressReports)
        self.recentLimit = max(0, recentLimit)
    }

    func publish(summary: Job.Summary, updates: [Job.Update], results: [Job.Result], watermarkMicros: Int64) {
        currentSummary = summary
        watermark = watermarkMicros
        for update in updates { open[update.id] = update }
        open = open.filter { job.isOpen($0.value, watermarkMicros: watermarkMicros) }
        recent.append(contentsOf: results)
        if recent.count > recentLimit { recent.removeFirst(recent.count - recentLimit) }
        version += 1
    }

    func record(_ report: StreamingProgress) {
        progress.append(report)
        lateRows += Int64(report.lateRows)
        malformedRows += Int64(report.malformedRows)
        let now = ContinuousClock.now
        rates.append((now, report.numInputRows))
        rates.removeAll { now - $0.0 > .seconds(10) }
        version += 1
        changes.signal(version)
    }

    public func snapshot() -> Snapshot {
        Snapshot(
            summary: currentSummary, openWindows: Array(open.values), recentResults: recent, progress: progress.reports,
            watermarkMicros: watermark)
    }

    public var lastProgress: StreamingProgress? { progress.last }

    /// The running totals of the newest batch.
    public var summary: Job.Summary { currentSummary }

    /// The newest `count` progress reports, oldest first.
    public func progress(last count: Int) -> [StreamingProgress] {
        Array(progress.reports.suffix(max(0, count)))
    }

    public var figures: Figures {
        let rows = rates.reduce(0) { $0 + $1.1 }
        let span = rates.first.map { ContinuousClock.now - $0.0 } ?? .zero
        let seconds = max(1, span.inSeconds)
        return Figures(
            lastProgress: progress.last, rowsPerSecond: Double(rows) / seconds, lateRows: lateRows,
            malformedRows: malformedRows)
    }
}
