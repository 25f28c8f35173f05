import Commerce
import Engine
import Foundation
import ServiceLifecycle
import Storage

/// What the demo's status line shows: the generator's rate, the engine's rate, lag, last batch and
/// watermark, and the Parquet files the tables hold.
struct DemoStatus: Sendable, Equatable {
    var elapsed: Duration
    var producedPerSecond: Double
    var processedPerSecond: Double?
    var consumerLag: Int64?
    var lastBatchMs: Double?
    /// µs since the epoch; nil before the first event.
    var watermarkMicros: Int64?
    var parquetFiles: Int
    var parquetBytes: Int64

    var text: String {
        let seconds = elapsed.components.seconds
        let clock = String(format: "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
        var parts = ["\(clock) produced \(Self.rate(producedPerSecond))/s"]
        parts.append("processed \(processedPerSecond.map(Self.rate) ?? "–")/s")
        parts.append("lag \(consumerLag.map { ReportNumberText.grouped($0) } ?? "–")")
        parts.append("last batch \(lastBatchMs.map { ReportNumberText.decimal($0, digits: 0) + " ms" } ?? "–")")
        parts.append("watermark \(watermarkMicros.map { String(ReportNumberText.time($0).suffix(8)) } ?? "–")")
        parts.append(
            "\(Self.files(parquetFiles)), \(DemoStatus.bytes(parquetBytes))")
        return parts.joined(separator: " · ")
    }

    /// `1 Parquet file`, `12 Parquet files`.
    static func files(_ count: Int) -> String {
        "\(ReportNumberText.grouped(Int64(count))) Parquet file\(count == 1 ? "" : "s")"
    }

    static func rate(_ value: Double) -> String {
        value.isFinite ? ReportNumberText.grouped(Int64(value.rounded())) : "–"
    }

    /// `1.2 MB`, `340 kB`, `12 B`.
    static func bytes(_ value: Int64) -> String {
        switch value {
        case ..<1_000: "\(value) B"
        case ..<1_000_000: ReportNumberText.decimal(Double(value) / 1e3, digits: 0) + " kB"
        case ..<1_000_000_000: ReportNumberText.decimal(Double(value) / 1e6, digits: 1) + " MB"
        default: ReportNumberText.decimal(Double(value) / 1e9, digits: 2) + " GB"
        }
    }

    /// The Parquet files under `directory` (recursively) and their bytes, the parts still being
    /// written (`.parquet.inprogress`, whose row groups are committed as they are written) included.
    static func parquetFiles(under directory: String) -> (files: Int, bytes: Int64) {
        guard let walker = FileManager.default.enumerator(atPath: directory) else { return (0, 0) }
        var files = 0
        var bytes: Int64 = 0
        while let path = walker.nextObject() as? String {
            guard path.hasSuffix(".parquet") || path.hasSuffix(".parquet.inprogress"), !path.contains("/_") else {
                continue
            }
            files += 1
            if let size = walker.fileAttributes?[.size] as? NSNumber { bytes += size.int64Value }
        }
        return (files, bytes)
    }
}

/// Shows the demo's status line until the service group shuts down: redrawn every second on a
/// terminal, a plain line every 10 seconds otherwise.
struct DemoStatusService: Service {
    let line: StatusLine
    let sample: @Sendable (_ elapsed: Duration, _ producedPerSecond: Double) async -> DemoStatus
    let produced: @Sendable () -> Int

    func run() async throws {
        let started = ContinuousClock.now
        var previous = (at: started, produced: produced())
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: line.interval) }
            if Task.isCancelled || Task.isShuttingDownGracefully { break }
            let now = ContinuousClock.now
            let count = produced()
            let seconds = (now - previous.at).inSeconds
            let rate = seconds > 0 ? Double(count - previous.produced) / seconds : 0
            previous = (now, count)
            line.show(await sample(now - started, rate).text)
        }
        line.clear()
    }
}
