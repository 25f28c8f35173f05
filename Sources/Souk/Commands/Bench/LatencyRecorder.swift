import Kafka
import Storage

/// Collects every acknowledged record's latency (microseconds) and counts failures, from the producers'
/// delivery reports; the percentiles are exact (nearest rank over every latency).
final class LatencyRecorder: Sendable {
    private struct State {
        var micros: [UInt32] = []
        var bytes = 0
        var failed = 0
        var firstError: String?
    }

    private let state: Locked<State>

    init(capacity: Int) {
        var initial = State()
        initial.micros.reserveCapacity(min(capacity, 1 << 26))
        state = Locked(initial)
    }

    /// Records one delivery report of a record of `bytes` bytes meant to be sent at `intended`.
    func record(_ result: Result<RecordMetadata, KafkaClientError>, bytes: Int, intended: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - intended
        state.withLock { state in
            switch result {
            case .success:
                let (seconds, attoseconds) = elapsed.components
                let micros = max(0, seconds) * 1_000_000 + max(0, attoseconds) / 1_000_000_000_000
                state.micros.append(UInt32(clamping: micros))
                state.bytes += bytes
            case .failure(let error):
                state.failed += 1
                if state.firstError == nil { state.firstError = "\(error)" }
            }
        }
    }

    var acknowledged: Int { state.withLock { $0.micros.count } }
    var failed: Int { state.withLock { $0.failed } }

    /// Everything recorded: counts, bytes and the latency percentiles.
    func summary() -> (acknowledged: Int, failed: Int, bytes: Int, firstError: String?, latency: LatencySummary) {
        state.withLock { state in
            (
                state.micros.count, state.failed, state.bytes, state.firstError,
                LatencySummary(micros: state.micros)
            )
        }
    }
}

/// Latency percentiles in milliseconds, by nearest rank; all zero when nothing was measured.
struct LatencySummary: Equatable {
    var p50: Double = 0
    var p99: Double = 0
    var p999: Double = 0
    var max: Double = 0

    init(p50: Double, p99: Double, p999: Double, max: Double) {
        (self.p50, self.p99, self.p999, self.max) = (p50, p99, p999, max)
    }

    init(micros: [UInt32]) {
        guard !micros.isEmpty else { return }
        let sorted = micros.sorted()
        func rank(_ quantile: Double) -> Double {
            let index = Int((Double(sorted.count) * quantile).rounded(.up)) - 1
            return Double(sorted[Swift.min(Swift.max(index, 0), sorted.count - 1)]) / 1000
        }
        p50 = rank(0.5)
        p99 = rank(0.99)
        p999 = rank(0.999)
        max = Double(sorted[sorted.count - 1]) / 1000
    }
}
