import Foundation
import NIOCore
import Testing

@testable import Kafka

/// Requests captured from real clients by Fixtures/capture.py (a fake broker that answers just enough
/// for each producer to send its Produce request). Each file is one frame, size prefix included.
@Suite struct ClientFixtureTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let longValue = String(repeating: "value-2 ", count: 40)

    /// A captured request: its header and body bytes (after the header).
    struct Captured {
        let header: RequestHeader
        let body: ByteBuffer
    }

    static func load(_ client: String, _ name: String) throws -> Captured {
        let data = try Data(contentsOf: fixtures.appendingPathComponent(client).appendingPathComponent(name))
        var stream = ByteBuffer(bytes: data)
        let decoder = FrameDecoder()
        var frame = try #require(try decoder.nextFrame(from: &stream))
        #expect(stream.readableBytes == 0, "one frame per file")
        let header = try RequestHeader(from: &frame)
        return Captured(header: header, body: frame)
    }

    static func decode<M: KafkaRequest>(_ type: M.Type, _ captured: Captured) throws -> M {
        #expect(captured.header.knownApiKey == M.apiKey)
        #expect(try KafkaMessageRegistry.requestType(for: captured.header) == M.self)
        let message = try M(decodingWhole: captured.body, version: captured.header.apiVersion)
        // Re-encoding gives the client's bytes back.
        #expect(message.encoded(version: captured.header.apiVersion) == captured.body)
        return message
    }

    /// Checks the Produce request's single batch and returns its records.
    static func producedRecords(
        _ request: ProduceRequest, compression: RecordCompression
    ) throws -> (RecordBatchHeader, [Record]) {
        let topic = try #require(request.topicData.first)
        #expect(request.topicData.count == 1)
        #expect(topic.name == "souk-fixtures")
        let partition = try #require(topic.partitionData.first)
        #expect(partition.index == 0)
        let batches = try RecordBatchReader.batches(in: try #require(partition.records))
        let batch = try #require(batches.first)
        #expect(batches.count == 1)
        #expect(batch.header.attributes.compression == compression)
        return (batch.header, try batch.records())
    }

    static func string(_ buffer: ByteBuffer?) -> String? {
        buffer.map { String(decoding: $0.readableBytesView, as: UTF8.self) }
    }

    static func checkTwoRecords(_ records: [Record], secondKey: String?) {
        #expect(records.count == 2)
        guard records.count == 2 else { return }
        #expect(string(records[0].key) == "key-1")
        #expect(string(records[0].value) == "value-1")
        #expect(records[0].offsetDelta == 0)
        #expect(string(records[1].key) == secondKey)
        #expect(string(records[1].value) == longValue)
        #expect(records[1].offsetDelta == 1)
    }

    static let pythonHeaders = [
        RecordHeader(key: "trace", value: ByteBuffer(string: "abc")), RecordHeader(key: "empty", value: ByteBuffer()),
    ]

    @Test func kafkaPython() throws {
        // kafka-python 3 asks for ApiVersions v4 first; Souk's broker cannot decode that body and answers
        // UNSUPPORTED_VERSION with its ranges, after which the client retries with v3.
        let probe = try Self.load("kafka-python", "01-ApiVersions-v4.bin")
        #expect(
            probe.header
                == RequestHeader(
                    apiKey: .apiVersions, apiVersion: 4, correlationId: 1, clientId: "souk-fixture-kafka-python"))
        #expect(throws: WireError.unsupportedVersion(apiKey: 18, version: 4)) {
            try KafkaMessageRegistry.requestType(for: probe.header)
        }
        let versions = try Self.decode(ApiVersionsRequest.self, try Self.load("kafka-python", "02-ApiVersions-v3.bin"))
        #expect(versions == ApiVersionsRequest(clientSoftwareName: "kafka-python", clientSoftwareVersion: "3.0.12"))

        let metadata = try Self.decode(MetadataRequest.self, try Self.load("kafka-python", "03-Metadata-v8.bin"))
        #expect(metadata.topics == [], "an empty list (not null, which would mean every topic) at bootstrap")
        #expect(metadata.allowAutoTopicCreation)

        let produce = try Self.load("kafka-python", "05-Produce-v8.bin")
        #expect(produce.header.clientId == "souk-fixture-kafka-python")
        let request = try Self.decode(ProduceRequest.self, produce)
        #expect(request.acks == 1)
        #expect(request.timeoutMs == 30_000)
        #expect(request.transactionalId == nil)
        let (header, records) = try Self.producedRecords(request, compression: .gzip)
        #expect(header.baseTimestamp == 1_700_000_000_000)
        #expect(header.maxTimestamp == 1_700_000_000_005)
        #expect(header.partitionLeaderEpoch == 0, "kafka-python writes 0, not -1")
        #expect(header.producerId == -1)
        Self.checkTwoRecords(records, secondKey: nil)
        #expect(records[0].headers == Self.pythonHeaders)
        #expect(records[1].timestampDelta == 5)
    }

    @Test func kafkaPythonXerialSnappy() throws {
        let request = try Self.decode(ProduceRequest.self, try Self.load("kafka-python-snappy", "05-Produce-v8.bin"))
        let records = try #require(request.topicData.first?.partitionData.first?.records)
        let batch = try #require(try RecordBatchReader.batches(in: records).first)
        // Java clients and kafka-python frame snappy the xerial way.
        #expect(
            batch.recordsBytes.getBytes(at: batch.recordsBytes.readerIndex, length: 8) == [
                0x82, 0x53, 0x4E, 0x41, 0x50, 0x50, 0x59, 0x00,
            ])
        let (_, decoded) = try Self.producedRecords(request, compression: .snappy)
        Self.checkTwoRecords(decoded, secondKey: nil)
        #expect(decoded[0].headers == Self.pythonHeaders)
    }

    @Test func aiokafka() throws {
        let versions = try Self.load("aiokafka", "01-ApiVersions-v0.bin")
        #expect(
            versions.header
                == RequestHeader(
                    apiKey: .apiVersions, apiVersion: 0, correlationId: 1, clientId: "souk-fixture-aiokafka"))
        #expect(try Self.decode(ApiVersionsRequest.self, versions) == ApiVersionsRequest())

        let metadata = try Self.decode(MetadataRequest.self, try Self.load("aiokafka", "02-Metadata-v5.bin"))
        #expect(metadata.topics == [])

        let request = try Self.decode(ProduceRequest.self, try Self.load("aiokafka", "04-Produce-v7.bin"))
        #expect(request.acks == 1)
        let (header, records) = try Self.producedRecords(request, compression: .lz4)
        #expect(header.partitionLeaderEpoch == -1)
        Self.checkTwoRecords(records, secondKey: nil)
        #expect(records[0].headers == Self.pythonHeaders)
    }

    @Test func confluentKafka() throws {
        let versions = try Self.decode(
            ApiVersionsRequest.self, try Self.load("confluent-kafka", "01-ApiVersions-v3.bin"))
        #expect(versions.clientSoftwareName == "confluent-kafka-python")
        #expect(versions.clientSoftwareVersion.hasPrefix("2.16"))

        let metadata = try Self.decode(MetadataRequest.self, try Self.load("confluent-kafka", "02-Metadata-v8.bin"))
        #expect(metadata.topics?.map(\.name) == ["souk-fixtures"])
        #expect(metadata.allowAutoTopicCreation)
        #expect(!metadata.includeClusterAuthorizedOperations)
        #expect(!metadata.includeTopicAuthorizedOperations)

        // Idempotence on: librdkafka asks for a producer id first.
        let initProducer = try Self.decode(
            InitProducerIdRequest.self, try Self.load("confluent-kafka", "04-InitProducerId-v1.bin"))
        #expect(initProducer.transactionalId == nil)
        #expect(initProducer.transactionTimeoutMs == -1)

        let request = try Self.decode(ProduceRequest.self, try Self.load("confluent-kafka", "05-Produce-v8.bin"))
        #expect(request.acks == -1, "idempotence forces acks=all")
        let (header, records) = try Self.producedRecords(request, compression: .zstd)
        #expect(header.producerId == 4242, "the id the fake broker handed out")
        #expect(header.producerEpoch == 0)
        #expect(header.baseSequence == 0)
        Self.checkTwoRecords(records, secondKey: nil)
        #expect(records[0].headers == Self.pythonHeaders)
    }

    @Test func kcat() throws {
        let versions = try Self.decode(ApiVersionsRequest.self, try Self.load("kcat", "01-ApiVersions-v3.bin"))
        #expect(versions == ApiVersionsRequest(clientSoftwareName: "librdkafka", clientSoftwareVersion: "2.0.2"))

        let metadata = try Self.load("kcat", "02-Metadata-v4.bin")
        #expect(metadata.header.clientId == "souk-fixture-kcat")
        let topics = try Self.decode(MetadataRequest.self, metadata)
        #expect(topics.topics?.map(\.name) == ["souk-fixtures"])
        #expect(topics.allowAutoTopicCreation)

        let request = try Self.decode(ProduceRequest.self, try Self.load("kcat", "03-Produce-v7.bin"))
        #expect(request.acks == -1)
        let (header, records) = try Self.producedRecords(request, compression: .snappy)
        #expect(header.producerId == -1)
        #expect(records.count == 2)
        #expect(Self.string(records.first?.key) == "key-1")
        #expect(records.first?.headers == [RecordHeader(key: "trace", value: ByteBuffer(string: "abc"))])
        #expect(Self.string(records.last?.value) == Self.longValue)
    }
}
