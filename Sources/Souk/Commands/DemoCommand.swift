import ArgumentParser
import Broker
import Commerce
import Engine
import Foundation
import Kafka
import Logging
import ServiceLifecycle
import Storage
import Web

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `souk demo`: the whole pipeline in one process on embedded defaults: the Kafka-compatible broker,
/// the transaction generator producing into it, the stream engine reading from it and the dashboard
/// over the engine's live view, as sibling services of one `ServiceGroup`, with a status line on stderr.
/// Ctrl-C, SIGTERM or the end of `--duration` stops the generator first; the stream then takes
/// everything it sent, commits a last batch and rolls every part, and the demo prints its closing
/// report over the data directory. Run again on the same data directory, it continues from there.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the pipeline on embedded defaults: broker, generator, stream engine and dashboard.")

    @Option(help: "Address the broker and the dashboard listen on (0.0.0.0 inside a container).")
    var host = "127.0.0.1"
    @Option(name: [.customLong("broker-port"), .customLong("port")], help: "Broker port (0: a free port).")
    var brokerPort = 9092
    @Option(help: "Dashboard port (0: a free port).") var webPort = 5000
    @Option(help: "Directory for all data: the broker's log, the checkpoints and the tables.")
    var dataDir = "souk-data"
    @Option(help: "Transactions per second the generator sends.") var rate = 200
    @Option(help: "How often the stream engine runs a micro-batch (e.g. 200ms, 1s).") var trigger = "200ms"
    @Option(help: "Stop after this long: seconds (90) or a duration (90s, 5m, 1h); default: until interrupted.")
    var duration: String?
    @Flag(help: "Open the dashboard in the browser (xdg-open or open) once it answers.") var open = false

    func validate() throws {
        guard (0...65535).contains(brokerPort) else { throw ValidationError("--broker-port must be from 0 to 65535") }
        guard (0...65535).contains(webPort) else { throw ValidationError("--web-port must be from 0 to 65535") }
        guard brokerPort == 0 || brokerPort != webPort else {
            throw ValidationError("--broker-port and --web-port must differ")
        }
        guard rate > 0 else { throw ValidationError("--rate must be positive") }
        guard rate <= 1_000_000 else { throw ValidationError("--rate must be at most 1000000 transactions/s") }
        guard let trigger = DurationText.parse(trigger), trigger >= .milliseconds(10), trigger <= .seconds(3600) else {
            throw ValidationError("--trigger '\(trigger)' must be a duration from 10ms to 1h (e.g. 200ms, 1s)")
        }
        if let duration { _ = try DurationText.runLength(duration) }
        guard !dataDir.isEmpty else { throw ValidationError("--data-dir is empty") }
    }

    func run() async throws {
        makeCreatedFilesPrivate()
        raiseOpenFileLimit()
        let started = ContinuousClock.now
        try checkBeforeStarting()
        bootstrapStandardErrorLogging(level: .warning)
        let registry = bootstrapPrometheusMetrics()
        let logger = Logger(label: "souk.demo")
        let brokerPort: Int
        do { brokerPort = self.brokerPort == 0 ? try FreePort.find(host: host) : self.brokerPort } catch {
            throw CommandFailure(command: "demo", message: "\(error)")
        }
        let bootstrap = "127.0.0.1:\(brokerPort)"

        var brokerConfiguration = BrokerConfiguration()
        brokerConfiguration.host = host
        brokerConfiguration.port = brokerPort
        brokerConfiguration.dataDirectory = dataDir
        let listening = AsyncStream.makeStream(of: Int.self)
        let broker = BrokerService(configuration: brokerConfiguration, logger: logger) { _, port in
            listening.continuation.yield(port)
            listening.continuation.finish()
        }

        var producer = KafkaProducerConfiguration(bootstrapServers: [bootstrap])
        producer.compression = .zstd
        var feedConfiguration = TransactionFeed.Configuration(producer: producer)
        feedConfiguration.rate = rate
        let banner = banner(bootstrap: bootstrap)
        let feed = TransactionFeed(configuration: feedConfiguration, logger: logger) {
            // The generator starts once the broker accepts connections; the banner says what runs.
            for await _ in listening.stream {
                writeToStandardOutput(banner + "\n")
                return true
            }
            return false
        }

        var engine = EngineConfiguration()
        engine.dataDirectory = dataDir
        engine.trigger = DurationText.parse(trigger) ?? .milliseconds(200)
        engine.drainOnShutdown = true
        var kafka = KafkaStreamSource.Configuration()
        kafka.bootstrapServers = [bootstrap]
        let stream = StreamMaster(
            job: CommerceJob(), source: KafkaStreamSource(kafka, logger: logger), configuration: engine,
            logger: logger)

        var webConfiguration = WebConfiguration()
        webConfiguration.host = host
        webConfiguration.port = webPort
        webConfiguration.bootstrap = bootstrap
        let dashboard = LiveDashboardSource(liveView: stream.liveView) { await stream.consumerLag() }
        let open = open
        let web = WebServer(configuration: webConfiguration, source: dashboard, registry: registry, logger: logger) {
            host, port in
            let url = DashboardURL.text(host: host, port: port)
            writeToStandardOutput("Dashboard: \(url)\n")
            if open { BrowserOpener.open(url) }
        }

        let tables = (dataDir as NSString).appendingPathComponent("tables")
        let status = DemoStatusService(
            line: StatusLine(),
            sample: { elapsed, produced in
                let figures = await stream.liveView.figures
                let last = figures.lastProgress
                let files = DemoStatus.parquetFiles(under: tables)
                return DemoStatus(
                    elapsed: elapsed, producedPerSecond: produced,
                    processedPerSecond: last == nil ? nil : figures.rowsPerSecond,
                    consumerLag: await stream.consumerLag(), lastBatchMs: last?.durationMs.triggerExecution,
                    watermarkMicros: last.flatMap { $0.watermark == Int64.min ? nil : $0.watermark },
                    parquetFiles: files.files, parquetBytes: files.bytes)
            }, produced: { feed.generated })

        // Shutdown runs in reverse order: the status line and the timer stop, the generator flushes,
        // the dashboard closes, the stream drains what the generator sent, then the broker closes its logs.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: broker),
            .init(service: stream),
            .init(service: web),
            .init(service: feed, successTerminationBehavior: .gracefullyShutdownGroup),
        ]
        if let limit = try duration.map(DurationText.runLength) {
            services.append(
                .init(service: ShutdownTimer(duration: limit), successTerminationBehavior: .gracefullyShutdownGroup))
        }
        services.append(.init(service: status))
        let group = ServiceGroup(
            configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            throw CommandFailure(command: "demo", message: "\(error)")
        }
        try printClosingReport(runTime: ContinuousClock.now - started, sent: feed.generated)
    }

    /// Refuses to start when a port is taken or the data directory cannot be written, so that nothing
    /// is left half-started.
    private func checkBeforeStarting() throws {
        let ports = [(brokerPort, "--broker-port"), (webPort, "--web-port")]
        for (port, flag) in ports where !FreePort.isFree(host: host, port: port) {
            throw CommandFailure(
                command: "demo", message: "port \(port) on \(host) is in use; choose another with \(flag)")
        }
        do {
            try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
        } catch {
            throw CommandFailure(command: "demo", message: "cannot create the data directory \(dataDir)")
        }
        guard access(dataDir, W_OK | X_OK) == 0 else {
            throw CommandFailure(command: "demo", message: "cannot write to the data directory \(dataDir)")
        }
    }

    /// The closing report over everything committed in the data directory, as the last output.
    private func printClosingReport(runTime: Duration, sent: Int) throws {
        let now = Int64((Date().timeIntervalSince1970 * 1_000_000).rounded(.down))
        let snapshot: CommerceSnapshot
        do { snapshot = try CommittedTables.snapshot(dataDirectory: dataDir, asOfMicros: now) } catch {
            throw CommandFailure(command: "demo", message: "the tables cannot be read for the closing report: \(error)")
        }
        let files = DemoStatus.parquetFiles(under: (dataDir as NSString).appendingPathComponent("tables"))
        let report = DemoClosingReport(
            runTime: runTime, sent: sent, stats: snapshot.stats, categories: snapshot.categories,
            dataDirectory: dataDir,
            parquetFiles: files.files, parquetBytes: files.bytes)
        writeToStandardOutput(report.text + "\n")
    }

    private func banner(bootstrap: String) -> String {
        """
        Souk \(SoukVersion.current) demo
        Running: the Kafka-compatible broker on \(bootstrap), fed \(rate) generated transactions/s \
        into topic ecommerce-transactions.
          Watch them:   kcat -C -b \(bootstrap) -t ecommerce-transactions
          Or send more: souk produce --bootstrap \(bootstrap)
        Running: the stream engine (souk stream) on that topic, writing Parquet tables under \(dataDir)/tables:
          transactions/ (every transaction) and windows/ (revenue per closed 1-minute window per category,
          city and payment method), e.g.:
          duckdb -c "select * from read_parquet('\(dataDir)/tables/windows/date=*/hour=*/*.parquet') order by window_start desc limit 10"
        Press Ctrl-C to stop.
        """
    }
}
