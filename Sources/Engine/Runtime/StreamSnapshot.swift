/// What `state/N` holds: everything besides the checkpoint offsets a restart needs to continue as if
/// it had not stopped: the window state per key group, the watermark tracker and the live summary.
struct StreamSnapshot<Job: StreamJob>: Codable {
    var batchId: Int64
    var tracker: WatermarkTracker
    var summary: Job.Summary
    /// Window state by key group (the group number as a string key, for readable JSON).
    var groups: [String: Job.GroupState]
}
