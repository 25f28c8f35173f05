import ArgumentParser
import Commerce
import Kafka
import Logging
import Storage

/// `souk produce`: generated e-commerce transactions into a topic, with Souk's own Kafka producer.
struct ProduceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "produce", abstract: "Generate e-commerce transactions into a Kafka topic.",
        discussion: """
            Works against Souk's broker, Apache Kafka or Redpanda (--bootstrap). Each record is one JSON \
            transaction as the original platform's producer sent it: transaction_id (a UUID v4), user_id \
            (USER_100 to USER_999), city (six Moroccan cities), category (six), amount (10.00 to 500.00), \
            quantity (1 to 5), payment_method (four) and timestamp (UTC, ISO-8601 without a zone).
            """)

    @Option(help: "Bootstrap servers, comma separated.") var bootstrap = "127.0.0.1:9092"
    @Option(help: "Topic to write to.") var topic = "ecommerce-transactions"
    @Option(help: "Records per second (0: as fast as possible).") var rate = 1_000
    @Option(help: "Records to send (default: until interrupted).") var count: Int?
    @Option(help: "Compression: none, gzip, snappy, lz4 or zstd.") var codec = "zstd"
    @Option(help: "Acknowledgements: 0, 1 or all.") var acks = "all"
    @Option(help: "Seed of the generator: the same seed sends the same transactions (default: a fresh one).")
    var seed: UInt64?
    @Option(help: "Record key: none (as the original producer) or user_id (one user's records in one partition).")
    var key = "none"
    @Flag(help: "Print a JSON summary on stdout.") var json = false

    func validate() throws {
        guard rate >= 0 else { throw ValidationError("--rate must be 0 or more") }
        if let count, count < 0 { throw ValidationError("--count must be 0 or more") }
        guard Self.compression(codec) != nil else { throw ValidationError("unknown --codec '\(codec)'") }
        guard ["0", "1", "all", "-1"].contains(acks) else { throw ValidationError("--acks must be 0, 1 or all") }
        guard TransactionFeed.Key(rawValue: key) != nil else {
            throw ValidationError("--key must be none or user_id")
        }
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
        var producer = KafkaProducerConfiguration(bootstrapServers: bootstrap.split(separator: ",").map(String.init))
        producer.compression = Self.compression(codec) ?? .zstd
        producer.acks = acks == "0" ? .none : acks == "1" ? .leader : .all
        producer.idempotent = producer.acks == .all
        var configuration = TransactionFeed.Configuration(producer: producer)
        configuration.topic = topic
        configuration.rate = rate
        configuration.count = count
        configuration.seed = seed
        configuration.key = TransactionFeed.Key(rawValue: key) ?? .none
        let feed = TransactionFeed(configuration: configuration, logger: Logger(label: "souk.produce"))
        do {
            try await feed.run()
        } catch {
            throw CommandFailure(command: "produce", message: "\(error)")
        }
        if json {
            print("{\"records\": \(feed.generated), \"topic\": \(JSONText.quoted(topic))}")
        } else {
            writeToStandardError("souk produce: sent \(feed.generated) transactions to \(topic)\n")
        }
    }
}
