/// The live-view sink: the job's running totals, the current (open) windows in update mode, the
/// newest closed windows and the progress reports, read by the dashboard while the stream runs.
public actor LiveView<Job: StreamJob> {
    public struct Snapshot: Sendable {
        public var summary: Job.Summary
        public var openWindows: [Job.Update]
        public var recentResults: [Job.Result]
        public var progress: [StreamingProgress]
        public var watermarkMicros: Int64
    }

    private var summary: Job.Summary
    private var open: [Job.Update.ID: Job.Update] = [:]
    private var recent: [Job.Result] = []
    private var progress: ProgressRing
    private var watermark = Int64.min
    private let recentLimit: Int
    private let job: Job

    public init(job: Job, progressReports: Int = 100, recentLimit: Int = 10_000) {
        self.job = job
        self.summary = job.makeSummary()
        self.progress = ProgressRing(capacity: progressReports)
        self.recentLimit = max(0, recentLimit)
    }

    func publish(summary: Job.Summary, updates: [Job.Update], results: [Job.Result], watermarkMicros: Int64) {
        self.summary = summary
        watermark = watermarkMicros
        for update in updates { open[update.id] = update }
        open = open.filter { job.isOpen($0.value, watermarkMicros: watermarkMicros) }
        recent.append(contentsOf: results)
        if recent.count > recentLimit { recent.removeFirst(recent.count - recentLimit) }
    }

    func record(_ report: StreamingProgress) {
        progress.append(report)
    }

    public func snapshot() -> Snapshot {
        Snapshot(
            summary: summary, openWindows: Array(open.values), recentResults: recent, progress: progress.reports,
            watermarkMicros: watermark)
    }

    public var lastProgress: StreamingProgress? { progress.last }
}
