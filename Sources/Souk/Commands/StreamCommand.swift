import ArgumentParser
import Commerce
import Engine
import Foundation
import Logging
import ServiceLifecycle
import Web

/// `souk stream`: the e-commerce job on the micro-batch engine.
struct StreamCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stream", abstract: "Run the e-commerce streaming job.",
        discussion: """
            Reads transactions from Kafka (Souk's broker, Apache Kafka or Redpanda) or a JSON-lines file, writes \
            every valid one to <data-dir>/tables/transactions and revenue per closed 1-minute window per category, \
            city and payment method to <data-dir>/tables/windows (Parquet, Hive-partitioned by date and hour, \
            exactly once), refused records to <data-dir>/deadletter, checkpoints to <data-dir>/checkpoints/<job>.
            """)

    @Option(help: "Kafka bootstrap servers, comma-separated host:port.") var bootstrap = "127.0.0.1:9092"
    @Option(help: "Topic to read.") var topic = "ecommerce-transactions"
    @Option(help: "Join this consumer group (several streams share the partitions); default: read all partitions.")
    var group: String?
    @Option(help: "Read this JSON-lines file instead of Kafka (offset = line number).") var file: String?
    @Option(help: "Directory for checkpoints, tables and dead letters.") var dataDir = "./souk-data"
    @Option(help: "Time between micro-batches, e.g. 1s, 200ms, 10ms; 0 runs them as fast as possible.")
    var trigger = "1s"
    @Flag(
        help:
            "Process everything available now in batches back to back, close what the final watermark allows, roll all parts, exit."
    )
    var once = false
    @Option(help: "Allowed lateness: watermark = max event time minus this, e.g. 10s.") var watermark = "10s"
    @Option(help: "A partition silent this long stops holding the watermark back.") var idleTimeout = "30s"
    @Option(help: "Worker actors (default: one per core).") var workers: Int?
    @Option(help: "Most records one batch reads from one partition.") var maxRecordsPerPartition: Int64 = 500_000
    @Option(help: "Roll a table part at this size, e.g. 128MiB.") var rollSize = "128MiB"
    @Option(help: "Roll a table part after this long, e.g. 60s.") var rollAge = "60s"
    @Option(help: "Rows of a rolled part's row groups (the last may be smaller); smaller ones are rewritten at roll.")
    var rowGroupRows = 128 * 1024
    @Option(help: "… or their encoded size, whichever comes first, e.g. 64MiB.") var rowGroupBytes = "64MiB"
    @Option(help: "Table compression: snappy, zstd or none.") var compression = "snappy"
    @Option(help: "Merge each table hour into one part once it ended this long before the watermark, e.g. 1h.")
    var compactAfter: String?
    @Option(help: "Job name: the checkpoint directory under checkpoints/.") var job = "ecommerce"
    @Flag(help: "Print each batch's progress report as one JSON line on standard output.") var progress = false
    @Flag(help: "Report event time to live view latency in the progress (event times must be the producer's clock).")
    var measureLatency = false
    @Flag(help: "Serve the dashboard and its API from this stream's live view.") var web = false
    @Option(help: "Address the dashboard listens on (with --web).") var webHost = "127.0.0.1"
    @Option(help: "Dashboard port (with --web; 0: a free port).") var webPort = 5000
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.") var logLevel = "info"

    func validate() throws {
        for (flag, value) in [
            ("--trigger", trigger), ("--watermark", watermark), ("--idle-timeout", idleTimeout),
            ("--roll-age", rollAge), ("--compact-after", compactAfter ?? "0s"),
        ] {
            guard DurationText.parse(value) != nil else {
                throw ValidationError("\(flag) '\(value)' is not a duration (e.g. 200ms, 1s, 5m)")
            }
        }
        if let trigger = DurationText.parse(trigger), trigger != .zero, trigger < .milliseconds(10) {
            throw ValidationError("--trigger must be at least 10ms, or 0 for as fast as possible")
        }
        guard ByteSizeText.parse(rollSize).map({ $0 >= 1024 }) == true else {
            throw ValidationError("--roll-size '\(rollSize)' is not a size of at least 1KiB (e.g. 128MiB)")
        }
        guard rowGroupRows >= 1 else { throw ValidationError("--row-group-rows must be positive") }
        guard ByteSizeText.parse(rowGroupBytes).map({ $0 >= 1024 }) == true else {
            throw ValidationError("--row-group-bytes '\(rowGroupBytes)' is not a size of at least 1KiB (e.g. 64MiB)")
        }
        guard ["snappy", "zstd", "none"].contains(compression) else {
            throw ValidationError("--compression must be snappy, zstd or none")
        }
        if let workers, !(1...256).contains(workers) { throw ValidationError("--workers must be from 1 to 256") }
        guard maxRecordsPerPartition >= 1 else { throw ValidationError("--max-records-per-partition must be positive") }
        guard !job.isEmpty, !job.contains("/"), job != ".", job != ".." else {
            throw ValidationError("--job must be a plain name")
        }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("unknown --log-level '\(logLevel)'")
        }
        if file == nil {
            guard
                bootstrapServers.allSatisfy({
                    $0.split(separator: ":").count == 2 && Int($0.split(separator: ":")[1]) != nil
                })
            else { throw ValidationError("--bootstrap must be host:port[,host:port...]") }
        }
        if file != nil && group != nil { throw ValidationError("--group needs a Kafka source, not --file") }
        guard (0...65535).contains(webPort) else { throw ValidationError("--web-port must be from 0 to 65535") }
    }

    var bootstrapServers: [String] {
        bootstrap.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
    }

    func run() async throws {
        makeCreatedFilesPrivate()
        let level = Logger.Level(rawValue: logLevel) ?? .info
        bootstrapStandardErrorLogging(level: level)
        let logger = Logger(label: "souk.stream")
        // Before the engine creates its metrics, so that /metrics shows them.
        let registry = web ? bootstrapPrometheusMetrics() : nil
        var configuration = EngineConfiguration()
        configuration.dataDirectory = dataDir
        configuration.trigger = DurationText.parse(trigger) ?? .seconds(1)
        configuration.once = once
        configuration.allowedLateness = DurationText.parse(watermark) ?? .seconds(10)
        configuration.idleTimeout = DurationText.parse(idleTimeout) ?? .seconds(30)
        if let workers { configuration.workers = workers }
        configuration.maxRecordsPerPartition = maxRecordsPerPartition
        configuration.rollBytes = ByteSizeText.parse(rollSize) ?? configuration.rollBytes
        configuration.rollAge = DurationText.parse(rollAge) ?? configuration.rollAge
        configuration.compactAfter = compactAfter.flatMap { DurationText.parse($0) }
        configuration.rowGroupRows = rowGroupRows
        configuration.rowGroupBytes = ByteSizeText.parse(rowGroupBytes) ?? configuration.rowGroupBytes
        if let text = ProcessInfo.processInfo.environment["SOUK_STREAM_CRASH_AT"] {
            #if DEBUG
                guard let point = CrashPoint(text) else {
                    throw CommandFailure(command: "stream", message: "SOUK_STREAM_CRASH_AT must be <point>:<batch>")
                }
                configuration.crashPoint = point
            #else
                _ = text
                throw CommandFailure(
                    command: "stream",
                    message: "SOUK_STREAM_CRASH_AT is a testing switch of debug builds; this release binary has no "
                        + "crash points (unset it)")
            #endif
        }
        configuration.compression = compression == "zstd" ? .zstd(level: 1) : compression == "none" ? .none : .snappy
        let source: any StreamSource
        if let file {
            source = JSONLinesFileSource(path: file)
        } else {
            var kafka = KafkaStreamSource.Configuration()
            kafka.bootstrapServers = bootstrapServers
            kafka.topic = topic
            kafka.group = group
            source = KafkaStreamSource(kafka, logger: logger)
        }
        let master = StreamMaster(
            job: CommerceJob(name: job, measureLatency: measureLatency), source: source, configuration: configuration,
            logger: logger)
        if progress {
            await master.setProgressHandler { report in
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                guard var line = try? encoder.encode(report) else { return }
                line.append(0x0A)
                FileHandle.standardOutput.write(line)
            }
        }
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: master, successTerminationBehavior: .gracefullyShutdownGroup)
        ]
        if web {
            var webConfiguration = WebConfiguration()
            webConfiguration.host = webHost
            webConfiguration.port = webPort
            webConfiguration.bootstrap = file == nil ? bootstrapServers.first : nil
            let source = LiveDashboardSource(liveView: master.liveView) { await master.consumerLag() }
            let server = WebServer(configuration: webConfiguration, source: source, registry: registry, logger: logger)
            {
                host, port in
                writeToStandardError("souk stream: dashboard on \(DashboardURL.text(host: host, port: port))\n")
            }
            services.append(.init(service: server))
        }
        let group = ServiceGroup(
            configuration: .init(
                services: services,
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch let error as StreamError {
            throw CommandFailure(command: "stream", message: error.description)
        } catch {
            throw CommandFailure(command: "stream", message: "\(error)")
        }
        let batches = await master.batchesRun
        let rows = await master.rowsRead
        writeToStandardError("souk stream: stopped after \(batches) batches, \(rows) records read\n")
    }
}
