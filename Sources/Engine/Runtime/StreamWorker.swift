/// A worker: maps chunks (decode and pre-aggregate) and owns the window state of its key groups.
/// The master sends it one request at a time per batch phase, so its mailbox never holds more than a
/// batch's work.
actor StreamWorker<Job: StreamJob> {
    struct ReduceOutput: Sendable {
        var results: [Job.Result]
        var updates: [Job.Update]
        var stateRows: Int
    }

    let index: Int
    let job: Job
    private var groups: [Int: Job.GroupState] = [:]

    init(index: Int, job: Job) {
        self.index = index
        self.job = job
    }

    func map(_ chunks: [SourceChunk], watermarkMicros: Int64, keyGroups: Int) -> [MapOutput<Job.Partial, Job.Summary>] {
        chunks.map { chunk in
            defer { chunk.mapped?.release() }  // decoded: a file's lines need not stay resident
            return job.map(chunk, watermarkMicros: watermarkMicros, keyGroups: keyGroups)
        }
    }

    /// Folds the partials of this worker's key groups into their state, then closes the windows the
    /// watermark passed, in every group it owns.
    func reduce(_ partials: [Int: [Job.Partial]], watermarkMicros: Int64) -> ReduceOutput {
        var updates: [Job.Update] = []
        for (group, list) in partials {
            var state = groups[group] ?? job.makeGroupState()
            for partial in list { job.reduce(partial, into: &state, updates: &updates) }
            groups[group] = state
        }
        var results: [Job.Result] = []
        var rows = 0
        for group in groups.keys.sorted() {
            guard var state = groups[group] else { continue }
            results += job.close(&state, watermarkMicros: watermarkMicros)
            let count = job.rowCount(of: state)
            rows += count
            groups[group] = count == 0 ? nil : state
        }
        return ReduceOutput(results: results, updates: updates, stateRows: rows)
    }

    func snapshot() -> [Int: Job.GroupState] { groups }

    func restore(_ groups: [Int: Job.GroupState]) {
        self.groups = groups
    }
}
