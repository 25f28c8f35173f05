import ArgumentParser
import Broker
import Engine
import Kafka
import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle
import Storage

/// `souk demo`: the whole pipeline on embedded defaults. Until every part exists it runs the parts
/// that do — the broker with a transaction feed into it — and says plainly which are not built yet.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Run the pipeline on embedded defaults (the parts built so far).")

    @Option(help: "Address the broker listens on (0.0.0.0 inside a container).") var host = "127.0.0.1"
    @Option(help: "Broker port (0: any free port).") var port = 9092
    @Option(help: "Directory for all data.") var dataDir = "souk-data"
    @Option(help: "Transactions per second fed into the broker.") var rate = 200
    @Option(help: "Stop after this many seconds (default: run until interrupted).") var duration: Int?

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be from 0 to 65535") }
        guard rate > 0 else { throw ValidationError("--rate must be positive") }
        if let duration, duration <= 0 { throw ValidationError("--duration must be positive") }
    }

    func run() async throws {
        bootstrapStandardErrorLogging(level: .warning)
        let logger = Logger(label: "souk.demo")
        var configuration = BrokerConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.dataDirectory = dataDir
        let listening = AsyncStream.makeStream(of: Int.self)
        let broker = BrokerService(configuration: configuration, logger: logger) { _, port in
            listening.continuation.yield(port)
            listening.continuation.finish()
        }
        let feed = DemoFeed(
            listening: listening.stream, rate: rate, duration: duration, dataDir: dataDir, logger: logger)
        let group = ServiceGroup(
            configuration: .init(
                services: [
                    .init(service: broker),
                    .init(service: feed, successTerminationBehavior: .gracefullyShutdownGroup),
                ], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            throw CommandFailure(command: "demo", message: "\(error)")
        }
        let sent = feed.sent.withLockedValue { $0 }
        print(sent > 0 ? "Souk demo stopped: \(sent) transactions were sent to the broker." : "Souk demo stopped.")
    }
}

/// The demo's feed: waits for the broker's port, says what runs, then sends transactions.
final class DemoFeed: Service {
    let listening: AsyncStream<Int>
    let rate: Int
    let duration: Int?
    let logger: Logger
    let dataDir: String
    let sent = NIOLockedValueBox(0)

    init(listening: AsyncStream<Int>, rate: Int, duration: Int?, dataDir: String, logger: Logger) {
        self.listening = listening
        self.dataDir = dataDir
        self.rate = rate
        self.duration = duration
        self.logger = logger
    }

    func run() async throws {
        var ports = listening.makeAsyncIterator()
        guard let port = await ports.next() else { return }
        let bootstrap = "127.0.0.1:\(port)"
        print(
            """
            Souk \(SoukVersion.current) demo
            Running: the Kafka-compatible broker on \(bootstrap), fed \(rate) generated transactions/s \
            into topic ecommerce-transactions.
              Watch them:   kcat -C -b \(bootstrap) -t ecommerce-transactions
              Or send more: souk produce --bootstrap \(bootstrap)
            Running: the stream engine (souk stream) on that topic, writing Parquet tables under \(dataDir)/tables:
              transactions/ (every transaction) and windows/ (revenue per closed 1-minute window per category,
              city and payment method), e.g.:
              duckdb -c "select * from read_parquet('\(dataDir)/tables/windows/**/*.parquet') order by window_start desc limit 10"
            Not built yet: the dashboard, so there is no dashboard URL yet.
            Press Ctrl-C to stop.
            """)
        var configuration = KafkaProducerConfiguration(bootstrapServers: [bootstrap])
        configuration.compression = .zstd
        let count = duration.map { $0 * rate }
        let feed = TransactionFeed(rate: rate, count: count)
        let settings = configuration
        let master = makeStream(bootstrap: bootstrap)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await withGracefulShutdownHandler {
                    try await master.run()
                } onGracefulShutdown: {
                    master.requestStop()
                }
            }
            do {
                let total = try await cancelWhenGracefulShutdown {
                    try await ProduceCommand.send(feed, configuration: settings, logger: self.logger)
                }
                sent.withLockedValue { $0 = total }
            } catch {
                // Ctrl-C cancels the feed mid-flight; anything else is a real failure.
                if !Task.isCancelled && !Task.isShuttingDownGracefully { throw error }
            }
            // With --duration, the stream takes what was sent, closes what it can and stops.
            master.requestDrain()
            try await group.waitForAll()
        }
    }

    private func makeStream(bootstrap: String) -> StreamMaster<CommerceJob> {
        var engine = EngineConfiguration()
        engine.dataDirectory = dataDir
        engine.trigger = .milliseconds(200)
        var kafka = KafkaStreamSource.Configuration()
        kafka.bootstrapServers = [bootstrap]
        return StreamMaster(
            job: CommerceJob(), source: KafkaStreamSource(kafka, logger: logger), configuration: engine, logger: logger,
            isOpen: { CommerceJob.isOpen($0, watermarkMicros: $1) })
    }
}
