import CoreMetrics
import Foundation
import Logging
import NIOCore
import NIOPosix
import Storage

@testable import Broker

/// A temporary partition directory, removed when the fixture goes away, and helpers to open logs in it.
final class LogFixture {
    let directory: String
    let logs = RecordingLogHandler.Store()

    init() throws {
        let base = FileManager.default.temporaryDirectory.path + "/souk-log-tests-" + UUID().uuidString
        directory = base + "/topic-0"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: (directory as NSString).deletingLastPathComponent)
    }

    /// A configuration with small segments and a dense index, and no timer flush during tests.
    static func configuration(
        segmentBytes: Int = 1 << 20, indexIntervalBytes: Int = 256,
        fsync: FsyncPolicy = .interval(milliseconds: 3_600_000)
    ) -> LogConfiguration {
        var configuration = LogConfiguration()
        configuration.segmentBytes = segmentBytes
        configuration.indexIntervalBytes = indexIntervalBytes
        configuration.fsyncPolicy = fsync
        return configuration
    }

    /// Opens the log in the fixture's directory on a storage event loop, logging into `logs`.
    func open(
        _ configuration: LogConfiguration = LogFixture.configuration(), metrics: (any MetricsFactory)? = nil,
        faults: IOFaultInjector? = nil
    ) async throws -> PartitionLog {
        let store = logs
        let logger = Logger(label: "test") { _ in RecordingLogHandler(store: store) }
        return try await PartitionLog.open(
            directory: directory, configuration: configuration,
            eventLoop: MultiThreadedEventLoopGroup.singleton.next(), logger: logger,
            metricsFactory: metrics ?? NOOPMetricsHandler.instance, faults: faults)
    }

    /// The path of a segment file.
    func path(segment baseOffset: Int64, suffix: String) -> String {
        directory + "/" + LogSegment.fileName(baseOffset: baseOffset, suffix: suffix)
    }

    /// The bytes of a file in the directory.
    func contents(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// Cuts a file to `size` bytes.
    func truncateFile(_ path: String, to size: Int) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: UInt64(size))
        try handle.close()
    }

    /// Flips every bit of the byte at `position` of a file.
    func flipByte(_ path: String, at position: Int) throws {
        var bytes = try contents(path)
        bytes[position] ^= 0xFF
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }
}

/// A `LogHandler` that keeps every message with its metadata, so tests can check what was logged.
struct RecordingLogHandler: LogHandler {
    /// One logged message.
    struct Entry: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]
    }

    /// The messages logged so far.
    final class Store: Sendable {
        private let entries = Locked<[Entry]>([])
        func append(_ entry: Entry) { entries.withLock { $0.append(entry) } }
        var all: [Entry] { entries.withLock { $0 } }
    }

    let store: Store
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        store.append(
            Entry(level: event.level, message: "\(event.message)", metadata: merged.mapValues { "\($0)" }))
    }
}
