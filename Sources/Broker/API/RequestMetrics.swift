import CoreMetrics
import Kafka

/// The broker's request metrics (swift-metrics; exported for Prometheus by whoever bootstraps the
/// metrics system): requests, bytes and latency by API, and error codes returned per partition.
struct RequestMetrics: Sendable {
    let factory: any MetricsFactory

    /// Records one handled request.
    func record(api: String, outcome: String, requestBytes: Int, responseBytes: Int, duration: Duration) {
        let dimensions = [("api", api)]
        Counter(label: "souk_broker_requests_total", dimensions: dimensions + [("outcome", outcome)], factory: factory)
            .increment()
        Counter(label: "souk_broker_request_bytes_total", dimensions: dimensions, factory: factory)
            .increment(by: requestBytes)
        Counter(label: "souk_broker_response_bytes_total", dimensions: dimensions, factory: factory)
            .increment(by: responseBytes)
        let (seconds, attoseconds) = duration.components
        CoreMetrics.Timer(label: "souk_broker_request_duration", dimensions: dimensions, factory: factory)
            .recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    /// Counts an error code returned for a partition (or a whole request) of `api`.
    func recordError(api: String, code: ErrorCode) {
        guard code != .none else { return }
        Counter(
            label: "souk_broker_errors_total", dimensions: [("api", api), ("error", String(code.rawValue))],
            factory: factory
        ).increment()
    }
}
