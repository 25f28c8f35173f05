import Foundation
import NIOCore
import Testing

@testable import Kafka

/// The client against a real `souk broker` process. Skipped with a message when the binary is missing
/// (`swift build --product souk` first).
@Suite(.serialized, .enabled(if: SoukBrokerProcess.isAvailable, "build the broker first: swift build --product souk"))
struct KafkaClientIntegrationTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var compression: RecordCompression
        var acks: KafkaProducerConfiguration.Acks
        var idempotent: Bool
        var testDescription: String { "\(compression) acks=\(acks) idempotent=\(idempotent)" }
    }

    static let cases: [Case] = [
        Case(compression: .none, acks: .all, idempotent: true),
        Case(compression: .gzip, acks: .leader, idempotent: false),
        Case(compression: .snappy, acks: .all, idempotent: true),
        Case(compression: .lz4, acks: .none, idempotent: false),
        Case(compression: .zstd, acks: .all, idempotent: false),
    ]

    /// The record `index` of a test run: keys cycle so partitions get several keys each.
    static func record(_ index: Int) -> (key: ByteBuffer, value: ByteBuffer, headers: [RecordHeader]) {
        (
            ByteBuffer(string: "key-\(index % 97)"),
            ByteBuffer(string: "value-\(index)-" + String(repeating: "x", count: index % 50)),
            [RecordHeader(key: "i", value: ByteBuffer(string: "\(index)")), RecordHeader(key: "empty", value: nil)]
        )
    }

    static func createTopic(_ name: String, partitions: Int32, bootstrap: String) async throws {
        let cluster = KafkaClusterClient(configuration: KafkaClientConfiguration(bootstrapServers: [bootstrap]))
        let response = try await cluster.sendToAnyBroker(
            CreateTopicsRequest(
                topics: [.init(name: name, numPartitions: partitions, replicationFactor: 1)], timeoutMs: 10_000))
        #expect(response.topics.first?.errorCode == 0)
        await cluster.close()
    }

    /// Runs `body` with the producer's `run()` as a child task; closes the producer afterwards.
    static func withProducer<T: Sendable>(
        _ configuration: KafkaProducerConfiguration, _ body: @Sendable (KafkaProducer) async throws -> T
    ) async throws -> T {
        let producer = try KafkaProducer(configuration: configuration)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await producer.run() }
            do {
                let result = try await body(producer)
                try await producer.close()
                try await group.waitForAll()
                return result
            } catch {
                group.cancelAll()
                throw error
            }
        }
    }

    /// Polls until `count` records arrived or the deadline passed.
    static func consume(_ consumer: KafkaConsumer, count: Int, within: Duration = .seconds(30)) async throws
        -> [ConsumerRecord]
    {
        let clock = ContinuousClock()
        let deadline = clock.now + within
        var records: [ConsumerRecord] = []
        while records.count < count, clock.now < deadline {
            records += try await consumer.poll(maxRecords: 2_000, timeout: .milliseconds(500))
        }
        return records
    }

    @Test(arguments: cases)
    func producesAndConsumesTenThousandRecords(_ testCase: Case) async throws {
        let broker = try SoukBrokerProcess()
        try broker.start()
        let topic = "codec-\(testCase.compression)"
        try await Self.createTopic(topic, partitions: 3, bootstrap: broker.bootstrap)
        var configuration = KafkaProducerConfiguration(bootstrapServers: [broker.bootstrap])
        configuration.compression = testCase.compression
        configuration.acks = testCase.acks
        configuration.idempotent = testCase.idempotent
        let total = 10_000
        try await Self.withProducer(configuration) { producer in
            for index in 0..<total {
                let record = Self.record(index)
                try producer.enqueue(topic: topic, key: record.key, value: record.value, headers: record.headers)
            }
            try await producer.flush()
        }

        let consumer = KafkaConsumer(configuration: KafkaConsumerConfiguration(bootstrapServers: [broker.bootstrap]))
        let partitions = (0..<3).map { TopicPartition(topic: topic, partition: Int32($0)) }
        await consumer.assign(Dictionary(uniqueKeysWithValues: partitions.map { ($0, StartOffset.earliest) }))
        let records = try await Self.consume(consumer, count: total)
        #expect(records.count == total)

        // Per partition: exactly the records murmur2 put there, in the order they were enqueued.
        var expected: [Int32: [Int]] = [:]
        for index in 0..<total {
            expected[Murmur2Partitioner.partition(forKey: Self.record(index).key, partitionCount: 3), default: []]
                .append(index)
        }
        for partition in partitions {
            let got = records.filter { $0.partition == partition.partition }
            let want = expected[partition.partition] ?? []
            #expect(got.map(\.offset) == Array(0..<Int64(want.count)))
            #expect(got.count == want.count)
            for (record, index) in zip(got, want) {
                let sent = Self.record(index)
                guard record.key == sent.key, record.value == sent.value, record.headers == sent.headers else {
                    Issue.record("\(partition) offset \(record.offset) differs from record \(index)")
                    break
                }
            }
        }
        let ends = try await consumer.endOffsets(partitions)
        #expect(ends.values.reduce(0, +) == Int64(total))
        await consumer.close()
    }

    @Test func sendReportsOffsetsAndListOffsetsAgrees() async throws {
        let broker = try SoukBrokerProcess()
        try broker.start()
        let topic = "offsets"
        try await Self.createTopic(topic, partitions: 2, bootstrap: broker.bootstrap)
        let partition = TopicPartition(topic: topic, partition: 1)
        let offsets = try await Self.withProducer(KafkaProducerConfiguration(bootstrapServers: [broker.bootstrap])) {
            producer in
            var offsets: [Int64] = []
            for index in 0..<25 {
                offsets.append(
                    try await producer.send(topic: topic, partition: 1, value: ByteBuffer(string: "\(index)")).offset)
            }
            return offsets
        }
        #expect(offsets == Array(0..<25))
        let consumer = KafkaConsumer(configuration: KafkaConsumerConfiguration(bootstrapServers: [broker.bootstrap]))
        #expect(try await consumer.beginningOffsets([partition]) == [partition: 0])
        #expect(try await consumer.endOffsets([partition]) == [partition: 25])
        #expect(try await consumer.endOffsets([TopicPartition(topic: topic, partition: 0)]).values.first == 0)

        // Starting inside the log returns from that offset; `.latest` sees only new records.
        await consumer.assign([partition: .offset(20)])
        let tail = try await Self.consume(consumer, count: 5, within: .seconds(10))
        #expect(tail.map(\.offset) == [20, 21, 22, 23, 24])
        await consumer.assign([partition: .latest])
        #expect(try await consumer.position(of: partition) == 25)
        #expect(try await consumer.poll(timeout: .milliseconds(200)).isEmpty)

        // Out of range with the default (latest) reset policy jumps to the end.
        await consumer.assign([partition: .offset(1_000)])
        _ = try await consumer.poll(timeout: .milliseconds(300))
        #expect(try await consumer.position(of: partition) == 25)
        await consumer.close()
    }

    @Test func survivesABrokerRestart() async throws {
        let broker = try SoukBrokerProcess()
        try broker.start()
        let topic = "restart"
        try await Self.createTopic(topic, partitions: 2, bootstrap: broker.bootstrap)
        var configuration = KafkaProducerConfiguration(bootstrapServers: [broker.bootstrap])
        configuration.compression = .lz4
        configuration.deliveryTimeout = .seconds(30)
        let consumer = KafkaConsumer(configuration: KafkaConsumerConfiguration(bootstrapServers: [broker.bootstrap]))
        let partitions = [0, 1].map { TopicPartition(topic: topic, partition: $0) }
        await consumer.assign([partitions[0]: .earliest, partitions[1]: .earliest])

        try await Self.withProducer(configuration) { producer in
            for index in 0..<2_000 {
                let record = Self.record(index)
                try producer.enqueue(topic: topic, key: record.key, value: record.value, headers: record.headers)
            }
            try await producer.flush()
            let before = try await Self.consume(consumer, count: 2_000)
            #expect(before.count == 2_000)

            broker.kill()
            try broker.start()  // same port, same data dir

            for index in 2_000..<4_000 {
                let record = Self.record(index)
                try producer.enqueue(topic: topic, key: record.key, value: record.value, headers: record.headers)
            }
            try await producer.flush()
            let after = try await Self.consume(consumer, count: 2_000)
            #expect(after.count == 2_000)
            let values = Set((before + after).compactMap { text($0.value) })
            #expect(values.count == 4_000)
        }
        let ends = try await consumer.endOffsets(partitions)
        #expect(ends.values.reduce(0, +) == 4_000)
        await consumer.close()
    }

    @Test func kcatReadsWhatTheProducerWrote() async throws {
        let kcat = URL(fileURLWithPath: "/usr/bin/kcat")
        try #require(FileManager.default.isExecutableFile(atPath: kcat.path), "kcat is not installed at /usr/bin/kcat")
        let broker = try SoukBrokerProcess()
        try broker.start()
        let topic = "kcat"
        try await Self.createTopic(topic, partitions: 1, bootstrap: broker.bootstrap)
        var configuration = KafkaProducerConfiguration(bootstrapServers: [broker.bootstrap])
        configuration.compression = .lz4
        try await Self.withProducer(configuration) { producer in
            for index in 0..<200 {
                try producer.enqueue(
                    topic: topic, key: ByteBuffer(string: "k\(index)"), value: ByteBuffer(string: "v\(index)"))
            }
            try await producer.flush()
        }
        let process = Process()
        process.executableURL = kcat
        process.arguments = ["-C", "-b", broker.bootstrap, "-t", topic, "-e", "-q", "-f", "%k:%s\\n"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
        #expect(process.terminationStatus == 0)
        #expect(lines == (0..<200).map { "k\($0):v\($0)" })
    }

    @Test func negotiatesGroupApisAndCommitsOffsetsOnTheBroker() async throws {
        let broker = try SoukBrokerProcess()
        try broker.start()
        let address = try #require(BrokerAddress(parsing: broker.bootstrap))
        let connection = try await KafkaConnection.connect(to: address, configuration: KafkaClientConfiguration())
        #expect(try connection.versions.version(for: FetchRequest.self) == 11)
        #expect(try connection.versions.version(for: JoinGroupRequest.self) == 5)
        #expect(try connection.versions.version(for: OffsetCommitRequest.self) == 7)
        await connection.close()

        let topic = "commits"
        try await Self.createTopic(topic, partitions: 2, bootstrap: broker.bootstrap)
        let consumer = KafkaConsumer(
            configuration: KafkaConsumerConfiguration(bootstrapServers: [broker.bootstrap], groupId: "swift-group"))
        let partitions = [0, 1].map { TopicPartition(topic: topic, partition: $0) }
        try await consumer.commit(offsets: [partitions[0]: 17, partitions[1]: 4])
        #expect(try await consumer.committed(partitions) == [partitions[0]: 17, partitions[1]: 4])
        await consumer.close()

        // Committed offsets survive a broker restart.
        broker.kill()
        try broker.start()
        let again = KafkaConsumer(
            configuration: KafkaConsumerConfiguration(bootstrapServers: [broker.bootstrap], groupId: "swift-group"))
        #expect(try await again.committed(partitions) == [partitions[0]: 17, partitions[1]: 4])
        await again.close()
    }
}
