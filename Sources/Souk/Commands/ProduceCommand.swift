import ArgumentParser
import Kafka
import Logging
import NIOPosix

/// `souk produce`: generated e-commerce transactions into a topic, with Souk's own Kafka producer.
struct ProduceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "produce", abstract: "Generate e-commerce transactions into a Kafka topic.",
        discussion: "Works against Souk's broker, Apache Kafka or Redpanda (--bootstrap).")

    @Option(help: "Bootstrap servers, comma separated.") var bootstrap = "127.0.0.1:9092"
    @Option(help: "Topic to write to.") var topic = "ecommerce-transactions"
    @Option(help: "Records per second (0: as fast as possible).") var rate = 1_000
    @Option(help: "Records to send (default: until interrupted).") var count: Int?
    @Option(help: "Compression: none, gzip, snappy, lz4 or zstd.") var codec = "zstd"
    @Option(help: "Acknowledgements: 0, 1 or all.") var acks = "all"
    @Option(help: "Seed of the generator (same seed, same transactions).") var seed: UInt64 = 42
    @Flag(help: "Print a JSON summary on stdout.") var json = false

    func validate() throws {
        guard rate >= 0 else { throw ValidationError("--rate must be 0 or more") }
        if let count, count < 0 { throw ValidationError("--count must be 0 or more") }
        guard Self.compression(codec) != nil else { throw ValidationError("unknown --codec '\(codec)'") }
        guard ["0", "1", "all", "-1"].contains(acks) else { throw ValidationError("--acks must be 0, 1 or all") }
        guard !bootstrap.split(separator: ",").isEmpty else { throw ValidationError("--bootstrap is empty") }
    }

    static func compression(_ name: String) -> RecordCompression? {
        switch name {
        case "none": RecordCompression.none
        case "gzip": .gzip
        case "snappy": .snappy
        case "lz4": .lz4
        case "zstd": .zstd
        default: nil
        }
    }

    func run() async throws {
        bootstrapStandardErrorLogging(level: .info)
        var configuration = KafkaProducerConfiguration(
            bootstrapServers: bootstrap.split(separator: ",").map(String.init))
        configuration.compression = Self.compression(codec) ?? .zstd
        configuration.acks = acks == "0" ? .none : acks == "1" ? .leader : .all
        configuration.idempotent = configuration.acks == .all
        let feed = TransactionFeed(topic: topic, rate: rate, count: count, seed: seed)
        let sent: Int
        do {
            sent = try await Self.send(feed, configuration: configuration, logger: Logger(label: "souk.produce"))
        } catch {
            throw CommandFailure(command: "produce", message: "\(error)")
        }
        if json {
            print("{\"records\": \(sent), \"topic\": \(JSONText.quoted(topic))}")
        } else {
            writeToStandardError("souk produce: sent \(sent) transactions to \(topic)\n")
        }
    }

    /// Runs a producer for `feed`, closing it when the feed ends.
    static func send(
        _ feed: TransactionFeed, configuration: KafkaProducerConfiguration, logger: Logger,
        progress: @escaping @Sendable (Int) -> Void = { _ in }
    ) async throws -> Int {
        // Reach the cluster first, so a wrong address fails in seconds rather than at the delivery timeout.
        let probe = KafkaClusterClient(
            configuration: configuration.client, eventLoopGroup: MultiThreadedEventLoopGroup.singleton, logger: logger)
        do {
            _ = try await probe.refreshMetadata(topics: [feed.topic])
            await probe.close()
        } catch {
            await probe.close()
            throw error
        }
        let producer = try KafkaProducer(
            configuration: configuration, eventLoopGroup: MultiThreadedEventLoopGroup.singleton, logger: logger)
        return try await withThrowingTaskGroup(of: Int?.self) { group in
            group.addTask {
                try await producer.run()
                return nil
            }
            group.addTask {
                let sent = try await feed.run(producer: producer, progress: progress)
                try await producer.close()
                return sent
            }
            var sent = 0
            for try await result in group {
                if let result { sent = result }
            }
            return sent
        }
    }
}
