import ArgumentParser
import Kafka

/// `souk bench produce`: sends N records and measures throughput and the latency from send to
/// acknowledgement, as `kafka-producer-perf-test` does.
struct BenchProduceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "produce", abstract: "Send records and measure throughput and acknowledgement latency.",
        discussion: """
            Latency runs from a record's send time to its acknowledgement. With --rate, a record's send time \
            is when the schedule wanted it sent (start + i / rate), so a stall is counted against every record \
            it delayed (no coordinated omission); without --rate records go as fast as the producers take them.
            """)

    @Option(help: "Bootstrap servers, comma separated.") var bootstrap = "127.0.0.1:9092"
    @Option(help: "Topic to write to.") var topic = "souk-bench"
    @Option(help: "Records to send.") var records = 1_000_000
    @Option(help: "Bytes of each record's value: random capital letters (ignored with --payload transactions).")
    var recordSize = 100
    @Option(help: "What the values are: random (--record-size letters) or transactions (the shop's JSON).")
    var payload = "random"
    @Option(help: "Acknowledgements: 0, 1 or all.") var acks = "all"
    @Option(help: "Compression: none, gzip, snappy, lz4 or zstd.") var codec = "none"
    @Option(help: "Records per second over all producers (0: as fast as possible).") var rate = 0.0
    @Option(help: "Producers sending side by side, each with its own connections.") var producers = 1
    @Option(help: "Bytes per partition batch.") var batchSize = 1_000_000
    @Option(help: "Milliseconds a batch waits for more records.") var lingerMs = 5
    @Flag(help: "Print the result as JSON on stdout.") var json = false

    func validate() throws {
        try validateBootstrap(bootstrap)
        guard !topic.isEmpty, topic.utf8.count <= 249 else { throw ValidationError("--topic must be 1 to 249 bytes") }
        guard records > 0 else { throw ValidationError("--records must be positive") }
        guard (1...10_485_760).contains(recordSize) else {
            throw ValidationError("--record-size must be from 1 to 10485760")
        }
        guard ProducerLoad.Payload(rawValue: payload) != nil else {
            throw ValidationError("--payload must be random or transactions")
        }
        guard ["0", "1", "all", "-1"].contains(acks) else { throw ValidationError("--acks must be 0, 1 or all") }
        guard ProduceCommand.compression(codec) != nil else { throw ValidationError("unknown --codec '\(codec)'") }
        guard rate >= 0, rate.isFinite else { throw ValidationError("--rate must be 0 or more") }
        guard (1...256).contains(producers) else { throw ValidationError("--producers must be from 1 to 256") }
        guard (1...(64 << 20)).contains(batchSize) else {
            throw ValidationError("--batch-size must be from 1 to 67108864")
        }
        guard (0...60_000).contains(lingerMs) else { throw ValidationError("--linger-ms must be from 0 to 60000") }
    }

    func run() async throws {
        var producer = KafkaProducerConfiguration(bootstrapServers: bootstrap.split(separator: ",").map(String.init))
        producer.compression = ProduceCommand.compression(codec) ?? .none
        producer.acks = acks == "0" ? .none : acks == "1" ? .leader : .all
        producer.idempotent = producer.acks == .all
        producer.batchSize = batchSize
        producer.linger = .milliseconds(lingerMs)
        let load = ProducerLoad(
            topic: topic, records: records, producers: producers, rate: rate > 0 ? rate : nil,
            payload: ProducerLoad.Payload(rawValue: payload) ?? .random, recordSize: recordSize,
            configuration: producer)
        let result = try await runShowingProgress(
            command: "bench produce", progress: { load.progressText }, { try await load.run() })
        if json {
            writeToStandardOutput(result.json(acks: acks, codec: codec, producers: producers, rate: rate) + "\n")
        } else {
            writeToStandardOutput(result.text + "\n")
        }
        if result.acknowledged == 0 {
            throw CommandFailure(
                command: "bench produce",
                message: "no record was acknowledged by \(bootstrap): \(result.firstError ?? "unknown error")")
        }
    }
}
