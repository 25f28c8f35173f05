import Commerce
import Kafka
import Storage
import Synchronization

/// The load of `souk bench consume`: one consumer reading every partition of a topic until it has
/// `records` records.
final class ConsumerLoad: Sendable {
    struct Result {
        var topic: String
        var records: Int
        var bytes: Int
        var seconds: Double
        var firstRecordSeconds: Double
        var partitions: Int
    }

    /// Why a run stopped short.
    struct Shortfall: Error, CustomStringConvertible {
        var topic: String
        var read: Int
        var wanted: Int
        var timeout: Duration
        var description: String {
            "read \(read) of \(wanted) records of \(topic): no new record for \(timeout)"
        }
    }

    /// The topic is not there (a consumer never creates it).
    struct MissingTopic: Error, CustomStringConvertible {
        var topic: String
        var description: String { "no topic '\(topic)'" }
    }

    let topic: String
    let records: Int
    let timeout: Duration
    let configuration: KafkaConsumerConfiguration
    private let read = Atomic<Int>(0)

    init(topic: String, records: Int, timeout: Duration, configuration: KafkaConsumerConfiguration) {
        self.topic = topic
        self.records = records
        self.timeout = timeout
        self.configuration = configuration
    }

    var progressText: String { "\(ReportNumberText.grouped(Int64(read.load(ordering: .relaxed)))) records read" }

    func run() async throws -> Result {
        let consumer = KafkaConsumer(configuration: configuration)
        do {
            let result = try await consume(with: consumer)
            await consumer.close()
            return result
        } catch {
            await consumer.close()
            throw error
        }
    }

    private func consume(with consumer: KafkaConsumer) async throws -> Result {
        let clock = ContinuousClock()
        let began = clock.now
        let metadata = try await consumer.clusterClient.refreshMetadata(topics: [topic])
        if let known = metadata.topics[topic], known.error == .unknownTopicOrPartition || known.partitions.isEmpty {
            throw MissingTopic(topic: topic)
        }
        let partitions = try await consumer.clusterClient.topic(topic).partitions.keys.sorted().map {
            TopicPartition(topic: topic, partition: $0)
        }
        let start: StartOffset = configuration.groupId == nil ? .earliest : .committed
        await consumer.assign(Dictionary(uniqueKeysWithValues: partitions.map { ($0, start) }))
        var count = 0
        var bytes = 0
        var first: ContinuousClock.Instant?
        var lastProgress = clock.now
        while count < records {
            let polled = try await consumer.poll(maxRecords: min(10_000, records - count), timeout: .milliseconds(500))
            if polled.isEmpty {
                if clock.now - lastProgress >= timeout {
                    throw Shortfall(topic: topic, read: count, wanted: records, timeout: timeout)
                }
                continue
            }
            if first == nil { first = clock.now }
            lastProgress = clock.now
            for record in polled {
                bytes += (record.key?.readableBytes ?? 0) + (record.value?.readableBytes ?? 0)
            }
            count += polled.count
            read.store(count, ordering: .relaxed)
        }
        let end = clock.now
        if configuration.groupId != nil {
            try await consumer.commit()
        }
        return Result(
            topic: topic, records: count, bytes: bytes, seconds: (end - began).inSeconds,
            firstRecordSeconds: ((first ?? end) - began).inSeconds, partitions: partitions.count)
    }
}

extension ConsumerLoad.Result {
    var recordsPerSecond: Double { seconds > 0 ? Double(records) / seconds : 0 }
    var megabytesPerSecond: Double { seconds > 0 ? Double(bytes) / 1_048_576 / seconds : 0 }

    var text: String {
        "\(ReportNumberText.grouped(Int64(records))) records of \(topic) (\(partitions) partitions) in "
            + "\(ReportNumberText.decimal(seconds, digits: 2)) s: "
            + "\(ReportNumberText.grouped(Int64(recordsPerSecond.rounded()))) records/s, "
            + "\(ReportNumberText.decimal(megabytesPerSecond, digits: 2)) MB/s; first record after "
            + "\(ReportNumberText.decimal(firstRecordSeconds * 1000, digits: 1)) ms"
    }

    var json: String {
        func number(_ value: Double) -> String { String((value * 1000).rounded() / 1000) }
        return "{\"topic\": \(JSONText.quoted(topic)), \"records\": \(records), \"bytes\": \(bytes), "
            + "\"partitions\": \(partitions), \"seconds\": \(number(seconds)), "
            + "\"records_per_sec\": \(number(recordsPerSecond)), \"mb_per_sec\": \(number(megabytesPerSecond)), "
            + "\"first_record_ms\": \(number(firstRecordSeconds * 1000))}"
    }
}
