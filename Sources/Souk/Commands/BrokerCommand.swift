import ArgumentParser
import Broker
import Logging
import ServiceLifecycle

/// `souk broker`: the Kafka-compatible broker on its own.
struct BrokerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "broker", abstract: "Run the Kafka-compatible broker.",
        discussion: "Real Kafka clients (librdkafka, kcat, kafka-python, aiokafka, Java) produce and consume here.")

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0: any free port).") var port = 9092
    @Option(help: "Host clients are told to connect to. Default: --host.") var advertisedHost: String?
    @Option(help: "Port clients are told to connect to. Default: the listening port.") var advertisedPort: Int?
    @Option(help: "Directory for the broker's data (under broker/).") var dataDir = "souk-data"
    @Option(help: "Partitions of auto-created topics.") var partitions = 3
    @Option(help: "Durability: 'always' (fsync before acknowledging) or 'interval:<ms>'.") var fsync = "interval:1000"
    @Option(help: "Keep data this long: e.g. 7d, 24h, 30m, 90s, or 'forever'.") var retention = "7d"
    @Option(help: "Pause between passes of the log cleaner over compacted topics: e.g. 15s, 500ms.")
    var cleanerInterval = "15s"
    @Flag(help: "Do not create topics on first use.") var noAutoCreateTopics = false
    @Option(
        help: "How fetches send log bytes: 'sendfile' (from the segment file) or 'pread' (read, CRC-checked, written).")
    var fetchIo = "sendfile"
    @Option(help: "Most client connections open at once; more are closed as they arrive.")
    var maxConnections = 10_000
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.") var logLevel = "info"

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be from 0 to 65535") }
        if let advertisedPort, !(1...65535).contains(advertisedPort) {
            throw ValidationError("--advertised-port must be from 1 to 65535")
        }
        guard (1...10_000).contains(partitions) else { throw ValidationError("--partitions must be from 1 to 10000") }
        guard (try? Self.fsyncPolicy(fsync)) != nil else {
            throw ValidationError("--fsync must be 'always' or 'interval:<milliseconds>'")
        }
        guard (try? Self.retentionMilliseconds(retention)) != nil else {
            throw ValidationError("--retention must look like 7d, 24h, 30m, 90s, 500ms or 'forever'")
        }
        guard (try? Self.retentionMilliseconds(cleanerInterval)) ?? nil != nil else {
            throw ValidationError("--cleaner-interval must look like 15s, 500ms or 1m")
        }
        guard (1...1_000_000).contains(maxConnections) else {
            throw ValidationError("--max-connections must be from 1 to 1000000")
        }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("unknown --log-level '\(logLevel)'")
        }
        guard FetchIO(rawValue: fetchIo) != nil else {
            throw ValidationError("--fetch-io must be 'sendfile' or 'pread'")
        }
    }

    func run() async throws {
        makeCreatedFilesPrivate()
        raiseOpenFileLimit()
        let level = Logger.Level(rawValue: logLevel) ?? .info
        bootstrapStandardErrorLogging(level: level)
        let logger = Logger(label: "souk.broker")
        var configuration = BrokerConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.advertisedHost = advertisedHost
        configuration.advertisedPort = advertisedPort
        configuration.dataDirectory = dataDir
        configuration.defaultPartitions = partitions
        configuration.autoCreateTopics = !noAutoCreateTopics
        configuration.log.fsyncPolicy = try Self.fsyncPolicy(fsync)
        configuration.log.retentionMilliseconds = try Self.retentionMilliseconds(retention)
        configuration.fetchIO = FetchIO(rawValue: fetchIo) ?? .sendfile
        configuration.maxConnections = maxConnections
        if let milliseconds = try Self.retentionMilliseconds(cleanerInterval) {
            configuration.cleanerInterval = .milliseconds(milliseconds)
        }
        let broker = BrokerService(configuration: configuration, logger: logger) { host, port in
            writeToStandardError("souk broker listening on \(host):\(port)\n")
        }
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: broker)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            throw CommandFailure(command: "broker", message: "\(error)")
        }
    }

    static func fsyncPolicy(_ text: String) throws -> FsyncPolicy {
        if text == "always" { return .always }
        if text.hasPrefix("interval:"), let milliseconds = Int64(text.dropFirst("interval:".count)), milliseconds > 0 {
            return .interval(milliseconds: milliseconds)
        }
        throw ValidationError("bad --fsync")
    }

    /// Milliseconds of a duration like `7d`, or nil for `forever` (also for `--cleaner-interval`, where
    /// `forever` is refused).
    static func retentionMilliseconds(_ text: String) throws -> Int64? {
        if text == "forever" || text == "-1" { return nil }
        let units: [(String, Int64)] = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            guard let value = Int64(text.dropLast(suffix.count)), value > 0 else { continue }
            let milliseconds = value.multipliedReportingOverflow(by: scale)
            guard !milliseconds.overflow else {
                throw ValidationError(
                    "--retention '\(text)' is longer than can be counted in milliseconds; use forever")
            }
            return milliseconds.partialValue
        }
        throw ValidationError("bad --retention")
    }
}
