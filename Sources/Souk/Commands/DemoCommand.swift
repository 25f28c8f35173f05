import ArgumentParser
import Broker
import Commerce
import Engine
import Kafka
import Logging
import ServiceLifecycle
import Storage
import Web

/// `souk demo`: the whole pipeline in one process on embedded defaults: the Kafka-compatible broker,
/// the transaction generator producing into it, the stream engine reading from it and the dashboard
/// over the engine's live view, as sibling services of one `ServiceGroup`. Ctrl-C, SIGTERM or the end of `--duration` stops the generator
/// first; the stream then takes everything it sent, commits a last batch and rolls every part.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the pipeline on embedded defaults: broker, generator, stream engine and dashboard.")

    @Option(help: "Address the broker listens on (0.0.0.0 inside a container).") var host = "127.0.0.1"
    @Option(help: "Broker port (0: a free port).") var port = 9092
    @Option(help: "Directory for all data.") var dataDir = "souk-data"
    @Option(help: "Transactions per second the generator sends.") var rate = 200
    @Option(help: "Stop after this many seconds (default: run until interrupted).") var duration: Int?
    @Option(help: "Dashboard port (0: a free port).") var webPort = 5000

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be from 0 to 65535") }
        guard rate > 0 else { throw ValidationError("--rate must be positive") }
        guard (0...65535).contains(webPort) else { throw ValidationError("--web-port must be from 0 to 65535") }
        if let duration {
            guard duration > 0 else { throw ValidationError("--duration must be positive") }
            guard duration.multipliedReportingOverflow(by: rate).overflow == false else {
                throw ValidationError(
                    "--duration \(duration) at --rate \(rate) is more transactions than can be counted")
            }
        }
    }

    func run() async throws {
        bootstrapStandardErrorLogging(level: .warning)
        let registry = bootstrapPrometheusMetrics()
        let logger = Logger(label: "souk.demo")
        let brokerPort: Int
        do { brokerPort = port == 0 ? try FreePort.find(host: host) : port } catch {
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
        feedConfiguration.count = duration.map { $0 * rate }
        let banner = banner(bootstrap: bootstrap)
        let feed = TransactionFeed(configuration: feedConfiguration, logger: logger) {
            // The generator starts once the broker accepts connections; the banner says what runs.
            for await _ in listening.stream {
                print(banner)
                return true
            }
            return false
        }

        var engine = EngineConfiguration()
        engine.dataDirectory = dataDir
        engine.trigger = .milliseconds(200)
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
        let web = WebServer(configuration: webConfiguration, source: dashboard, registry: registry, logger: logger) {
            host, port in
            print("Dashboard: \(DashboardURL.text(host: host, port: port))")
        }

        // Shutdown runs in reverse order: the generator stops and flushes, the dashboard closes, the
        // stream drains what the generator sent, then the broker closes its logs.
        let group = ServiceGroup(
            configuration: .init(
                services: [
                    .init(service: broker),
                    .init(service: stream),
                    .init(service: web),
                    .init(service: feed, successTerminationBehavior: .gracefullyShutdownGroup),
                ], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            throw CommandFailure(command: "demo", message: "\(error)")
        }
        let sent = feed.generated
        print(sent > 0 ? "Souk demo stopped: \(sent) transactions were sent to the broker." : "Souk demo stopped.")
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
