import ArgumentParser
import Commerce
import Engine
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
    @Option(help: "Stop after this long: seconds (90) or a duration (90s, 5m, 1h); default: until interrupted.")
    var duration: String?
    @Option(
        help: ArgumentHelp(
            "How the traffic moves: flat, daily or bursty.",
            discussion: """
                flat: a steady rate, every city and category equally likely (the original producer). daily: a \
                day compressed into ten minutes with an evening peak, --rate being the mean; categories and \
                cities shift over the day. bursty: every 30 s a 3-second flash sale at 10x the rate on one category.
                """))
    var shape = "flat"
    @Option(help: "Fraction of records (0 to 1) stamped 2 to 10 minutes in the past, behind the watermark.")
    var lateFraction = 0.0
    @Option(help: "Fraction of records (0 to 1) that are broken: bad JSON, a missing field or a wrong type.")
    var malformedFraction = 0.0
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
        if let duration { _ = try DurationText.runLength(duration) }
        guard TrafficShape(rawValue: shape) != nil else {
            throw ValidationError("--shape must be flat, daily or bursty")
        }
        guard (0...1).contains(lateFraction) else { throw ValidationError("--late-fraction must be from 0 to 1") }
        guard (0...1).contains(malformedFraction) else {
            throw ValidationError("--malformed-fraction must be from 0 to 1")
        }
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
        configuration.duration = try duration.map(DurationText.runLength)
        configuration.shape = TrafficShape(rawValue: shape) ?? .flat
        configuration.lateFraction = lateFraction
        configuration.malformedFraction = malformedFraction
        let feed = TransactionFeed(configuration: configuration, logger: Logger(label: "souk.produce"))
        let started = ContinuousClock.now
        let status = StatusLine()
        let result: Result<Void, any Error> = await withTaskGroup(of: Void.self) { group in
            if status.interactive {
                group.addTask { await Self.showStatus(of: feed, on: status, since: started) }
            }
            defer { group.cancelAll() }
            do {
                try await feed.run()
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        status.clear()
        let summary = ProduceSummary(feed: feed, topic: topic, seconds: (ContinuousClock.now - started).inSeconds)
        if case .failure(let error) = result {
            // One line: the error, and what was delivered before it when anything was sent.
            let sent = summary.records > 0 ? " (\(summary.text))" : ""
            throw CommandFailure(command: "produce", message: "\(error)\(sent)")
        }
        if json { print(summary.json) } else { writeToStandardError("souk produce: \(summary.text)\n") }
    }

    /// Redraws the achieved rate and the delivery counts every second until cancelled.
    private static func showStatus(
        of feed: TransactionFeed, on status: StatusLine, since started: ContinuousClock.Instant
    )
        async
    {
        var previous = (at: started, sent: 0)
        while !Task.isCancelled {
            try? await Task.sleep(for: status.interval)
            if Task.isCancelled { return }
            let now = ContinuousClock.now
            let sent = feed.generated
            let rate = Double(sent - previous.sent) / max(1e-3, (now - previous.at).inSeconds)
            previous = (now, sent)
            let (acknowledged, failed) = feed.deliveries
            status.show(
                "souk produce: \(ReportNumberText.grouped(Int64(sent))) sent at "
                    + "\(ReportNumberText.grouped(Int64(rate.rounded())))/s, "
                    + "\(ReportNumberText.grouped(Int64(acknowledged))) acknowledged, "
                    + "\(ReportNumberText.grouped(Int64(failed))) failed")
        }
    }

}

/// What `souk produce` did: as a line for people or a JSON object for programs.
struct ProduceSummary {
    var records: Int
    var acknowledged: Int
    var failed: Int
    var late: Int
    var malformed: Int
    var seconds: Double
    var topic: String

    init(feed: TransactionFeed, topic: String, seconds: Double) {
        records = feed.generated
        (acknowledged, failed) = feed.deliveries
        late = feed.late
        malformed = feed.malformed
        self.seconds = seconds
        self.topic = topic
    }

    var rate: Double { seconds > 0 ? Double(records) / seconds : 0 }

    var json: String {
        "{\"records\": \(records), \"acknowledged\": \(acknowledged), \"failed\": \(failed), \"late\": \(late), "
            + "\"malformed\": \(malformed), \"seconds\": \((seconds * 1000).rounded() / 1000), "
            + "\"rate\": \(rate.rounded()), \"topic\": \(JSONText.quoted(topic))}"
    }

    var text: String {
        var text =
            "sent \(records) transactions to \(topic) in \(ReportNumberText.decimal(seconds, digits: 1)) s "
            + "(\(ReportNumberText.grouped(Int64(rate.rounded())))/s): \(acknowledged) acknowledged, \(failed) failed"
        if late > 0 || malformed > 0 { text += "; \(late) of them late, \(malformed) malformed" }
        return text
    }
}
