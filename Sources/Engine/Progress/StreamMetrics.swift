import Metrics

/// The engine's metrics through swift-metrics (exported by whatever backend the process bootstraps):
/// one update per committed batch, labelled with the job.
struct StreamMetrics: Sendable {
    let batches: Counter
    let inputRows: Counter
    let lateRows: Counter
    let malformedRows: Counter
    let batchDuration: Metrics.Timer
    let watermark: Gauge
    let stateRows: Gauge

    init(job: String, factory: any MetricsFactory = MetricsSystem.factory) {
        let dimensions = [("job", job)]
        batches = Counter(label: "souk_stream_batches_total", dimensions: dimensions, factory: factory)
        inputRows = Counter(label: "souk_stream_input_rows_total", dimensions: dimensions, factory: factory)
        lateRows = Counter(label: "souk_stream_late_rows_total", dimensions: dimensions, factory: factory)
        malformedRows = Counter(label: "souk_stream_malformed_rows_total", dimensions: dimensions, factory: factory)
        batchDuration = Metrics.Timer(label: "souk_stream_batch_duration", dimensions: dimensions, factory: factory)
        watermark = Gauge(label: "souk_stream_watermark_micros", dimensions: dimensions, factory: factory)
        stateRows = Gauge(label: "souk_stream_state_rows", dimensions: dimensions, factory: factory)
    }

    func record(_ report: StreamingProgress) {
        batches.increment()
        inputRows.increment(by: report.numInputRows)
        lateRows.increment(by: report.lateRows)
        malformedRows.increment(by: report.malformedRows)
        batchDuration.recordNanoseconds(Int64(report.durationMs.triggerExecution * 1_000_000))
        if report.watermark > Int64.min { watermark.record(report.watermark) }
        stateRows.record(report.stateOperators.reduce(0) { $0 + $1.numRowsTotal })
    }
}
