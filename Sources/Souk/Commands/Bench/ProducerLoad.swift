import Commerce
import Kafka
import Logging
import NIOCore
import NIOPosix
import Storage
import Synchronization

/// The load of `souk bench produce`: `records` records over `producers` producers, each with its own
/// connections, at `rate` records/s in all (or as fast as they go), every delivery report recorded.
final class ProducerLoad: Sendable {
    enum Payload: String, Sendable {
        /// `recordSize` random capital letters (as `kafka-producer-perf-test`), from a pool of distinct values.
        case random
        /// The shop's transactions as JSON, as `souk produce` sends them.
        case transactions
    }

    struct Result {
        var topic: String
        var records: Int
        var acknowledged: Int
        var failed: Int
        var bytes: Int
        var seconds: Double
        var latency: LatencySummary
        var firstError: String?
    }

    let topic: String
    let records: Int
    let producers: Int
    let rate: Double?
    let payload: Payload
    let recordSize: Int
    let configuration: KafkaProducerConfiguration
    private let sent = Atomic<Int>(0)
    private let recorder: LatencyRecorder
    private let logger = Logger(label: "souk.bench")

    init(
        topic: String, records: Int, producers: Int, rate: Double?, payload: Payload, recordSize: Int,
        configuration: KafkaProducerConfiguration
    ) {
        self.topic = topic
        self.records = records
        self.producers = producers
        self.rate = rate
        self.payload = payload
        self.recordSize = recordSize
        self.configuration = configuration
        self.recorder = LatencyRecorder(capacity: records)
    }

    /// Where the run is, for a progress line.
    var progressText: String {
        "\(ReportNumberText.grouped(Int64(sent.load(ordering: .relaxed)))) sent, "
            + "\(ReportNumberText.grouped(Int64(recorder.acknowledged))) acknowledged, "
            + "\(ReportNumberText.grouped(Int64(recorder.failed))) failed"
    }

    /// Checks that the cluster answers and the topic is there (or is created on first use), then sends
    /// every record and waits for every delivery report.
    func run() async throws -> Result {
        let probe = KafkaClusterClient(
            configuration: configuration.client, eventLoopGroup: MultiThreadedEventLoopGroup.singleton, logger: logger)
        do {
            _ = try await probe.topic(topic)
        } catch {
            await probe.close()
            throw error
        }
        await probe.close()
        // The values are made before the clock starts.
        let values = PayloadSource(payload, size: recordSize)
        let clock = ContinuousClock()
        let start = clock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<producers {
                group.addTask { try await self.send(producer: index, values: values, start: start) }
            }
            try await group.waitForAll()
        }
        let seconds = (clock.now - start).inSeconds
        let summary = recorder.summary()
        return Result(
            topic: topic, records: records, acknowledged: summary.acknowledged, failed: summary.failed,
            bytes: summary.bytes, seconds: seconds, latency: summary.latency, firstError: summary.firstError)
    }

    /// One producer's share: records `index`, `index + producers`, … of the schedule.
    private func send(producer index: Int, values: PayloadSource, start: ContinuousClock.Instant) async throws {
        let producer = try KafkaProducer(configuration: configuration, logger: logger)
        let recorder = recorder
        let topic = topic
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await producer.run() }
            var values = values
            var number = index
            while number < records {
                let intended: ContinuousClock.Instant
                if let rate {
                    intended = start + .seconds(Double(number) / rate)
                    if intended > .now + .milliseconds(1) { try await Task.sleep(until: intended, clock: .continuous) }
                } else {
                    intended = .now
                }
                let value = values.next()
                let bytes = value.readableBytes
                while true {
                    do throws(KafkaClientError) {
                        try producer.enqueue(topic: topic, value: value) { result in
                            recorder.record(result, bytes: bytes, intended: intended)
                        }
                        break
                    } catch {
                        guard case .queueFull = error else { throw error }
                        try await Task.sleep(for: .microseconds(200))
                    }
                }
                sent.add(1, ordering: .relaxed)
                number += producers
            }
            try await producer.close()
            try await group.waitForAll()
        }
    }
}

/// The values a producer sends.
struct PayloadSource: Sendable {
    private let payload: ProducerLoad.Payload
    private var pool: [ByteBuffer] = []
    private var position = 0
    private var generator = TransactionGenerator()

    /// Distinct random values, so a batch compresses as varied records do, not as one record repeated;
    /// at most 64 MiB of them.
    init(_ payload: ProducerLoad.Payload, size: Int) {
        self.payload = payload
        guard payload == .random else { return }
        var random = SystemRandomNumberGenerator()
        let count = max(1, min(1024, (64 << 20) / size))
        pool = (0..<count).map { _ in
            var buffer = ByteBuffer()
            buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { bytes in
                var word: UInt64 = 0
                for index in 0..<size {
                    if index % 8 == 0 { word = random.next() }
                    bytes[index] = 65 + UInt8(truncatingIfNeeded: word % 26)
                    word >>= 8
                }
                return size
            }
            return buffer
        }
    }

    mutating func next() -> ByteBuffer {
        switch payload {
        case .random:
            defer { position = (position + 1) % pool.count }
            return pool[position]
        case .transactions:
            return ByteBuffer(string: generator.next(timestampMicros: currentTimeMillis() * 1000).json)
        }
    }
}

extension ProducerLoad.Result {
    var recordsPerSecond: Double { seconds > 0 ? Double(acknowledged) / seconds : 0 }
    var megabytesPerSecond: Double { seconds > 0 ? Double(bytes) / 1_048_576 / seconds : 0 }

    var text: String {
        "\(ReportNumberText.grouped(Int64(records))) records to \(topic) in "
            + "\(ReportNumberText.decimal(seconds, digits: 2)) s: "
            + "\(ReportNumberText.grouped(Int64(recordsPerSecond.rounded()))) records/s, "
            + "\(ReportNumberText.decimal(megabytesPerSecond, digits: 2)) MB/s; latency p50 "
            + "\(ReportNumberText.decimal(latency.p50, digits: 2)) ms, p99 \(ReportNumberText.decimal(latency.p99, digits: 2)) ms, "
            + "p99.9 \(ReportNumberText.decimal(latency.p999, digits: 2)) ms, max "
            + "\(ReportNumberText.decimal(latency.max, digits: 2)) ms; "
            + "\(ReportNumberText.grouped(Int64(acknowledged))) acknowledged, \(ReportNumberText.grouped(Int64(failed))) failed"
            + (firstError.map { " (first: \($0))" } ?? "")
    }

    func json(acks: String, codec: String, producers: Int, rate: Double) -> String {
        func number(_ value: Double) -> String { String((value * 1000).rounded() / 1000) }
        return "{\"topic\": \(JSONText.quoted(topic)), \"records\": \(records), \"acknowledged\": \(acknowledged), "
            + "\"failed\": \(failed), \"bytes\": \(bytes), \"seconds\": \(number(seconds)), "
            + "\"records_per_sec\": \(number(recordsPerSecond)), \"mb_per_sec\": \(number(megabytesPerSecond)), "
            + "\"p50_ms\": \(number(latency.p50)), \"p99_ms\": \(number(latency.p99)), "
            + "\"p999_ms\": \(number(latency.p999)), \"max_ms\": \(number(latency.max)), "
            + "\"acks\": \(JSONText.quoted(acks)), \"codec\": \(JSONText.quoted(codec)), \"producers\": \(producers), "
            + "\"rate\": \(number(rate)), \"first_error\": \(firstError.map(JSONText.quoted) ?? "null")}"
    }
}
