import Foundation
import Kafka
import Logging
import MetricsTestKit
import NIOCore
import Testing

@testable import Broker

/// The broker's request handling without sockets: frames in, frames out.
@Suite("Request router")
struct RequestRouterTests {
    /// A router over a fresh data directory.
    final class Harness: Sendable {
        let directory: String
        let registry: TopicRegistry
        let groups: GroupCoordinator
        let router: RequestRouter
        let metrics = TestMetrics()

        init() async throws {
            directory = NSTemporaryDirectory() + "souk-router-\(UUID().uuidString)"
            var configuration = BrokerConfiguration()
            configuration.dataDirectory = directory
            configuration.defaultPartitions = 2
            let logger = Logger(label: "test")
            registry = try await TopicRegistry.open(configuration: configuration, logger: logger)
            let producers = ProducerStateTable(directory: registry.directoryPath, logger: logger)
            groups = try await GroupCoordinator.open(directory: directory + "/groups", logger: logger)
            router = RequestRouter(
                registry: registry, producers: producers, groups: groups, configuration: configuration,
                advertisedHost: "127.0.0.1",
                advertisedPort: 9092, logger: logger, metricsFactory: metrics)
        }

        func close() async {
            await groups.shutdown()
            await registry.close()
            try? FileManager.default.removeItem(atPath: directory)
        }

        /// Sends `request` as `version` and decodes the response body.
        func call<Request: KafkaRequest>(_ request: Request, version: Int16) async throws -> Request.Response? {
            var frame = ByteBuffer()
            RequestHeader(apiKey: Request.apiKey, apiVersion: version, correlationId: 77, clientId: "test")
                .encode(into: &frame, headerVersion: HeaderVersions.request(for: Request.apiKey, version: version))
            request.encode(into: &frame, version: version)
            switch await router.handle(frame: frame) {
            case .respond(var response):
                let length = response.readInteger(as: Int32.self)
                #expect(length.map(Int.init) == response.readableBytes)
                let header = try ResponseHeader(
                    from: &response, headerVersion: HeaderVersions.response(for: Request.apiKey, version: version))
                #expect(header.correlationId == 77)
                return try Request.Response(decodingWhole: response, version: version)
            case .noResponse:
                return nil
            case .close(let reason):
                Issue.record("connection closed: \(reason)")
                return nil
            }
        }
    }

    /// Runs `body` with a fresh harness and always closes it (files removed) afterwards.
    static func withHarness(_ body: (Harness) async throws -> Void) async throws {
        let harness = try await Harness()
        do {
            try await body(harness)
        } catch {
            await harness.close()
            throw error
        }
        await harness.close()
    }

    static func batch(producerId: Int64 = -1, epoch: Int16 = -1, sequence: Int32 = -1, values: [String]) throws
        -> ByteBuffer
    {
        var header = RecordBatchHeader()
        header.producerId = producerId
        header.producerEpoch = epoch
        header.baseSequence = sequence
        header.baseTimestamp = 1_700_000_000_000
        let records = values.enumerated().map { index, value in
            Record(offsetDelta: Int32(index), value: ByteBuffer(string: value))
        }
        return try RecordBatch(building: records, header: header).bytes
    }

    static func produce(_ topic: String, partition: Int32 = 0, records: ByteBuffer, acks: Int16 = -1) -> ProduceRequest
    {
        ProduceRequest(
            acks: acks, timeoutMs: 1000,
            topicData: [.init(name: topic, partitionData: [.init(index: partition, records: records)])])
    }

    @Test("a retried idempotent batch is acknowledged with its first offset and stored once")
    func idempotentRetry() async throws {
        try await Self.withHarness { harness in
            let first = try Self.batch(producerId: 5000, epoch: 0, sequence: 0, values: ["a", "b", "c"])
            let second = try Self.batch(producerId: 5000, epoch: 0, sequence: 3, values: ["d"])
            let one = try #require(try await harness.call(Self.produce("orders", records: first), version: 8))
            let two = try #require(try await harness.call(Self.produce("orders", records: second), version: 8))
            let retry = try #require(try await harness.call(Self.produce("orders", records: second), version: 8))
            #expect(one.responses[0].partitionResponses[0].baseOffset == 0)
            #expect(two.responses[0].partitionResponses[0].baseOffset == 3)
            #expect(retry.responses[0].partitionResponses[0].errorCode == 0)
            #expect(retry.responses[0].partitionResponses[0].baseOffset == 3)
            let log = try #require(await harness.registry.log(topic: "orders", partition: 0))
            #expect(await log.logEndOffset == 4)
            let produced = try harness.metrics.expectCounter(
                "souk_broker_requests_total", [("api", "Produce"), ("outcome", "response")])
            #expect(produced.totalValue == 3)

            let gap = try Self.batch(producerId: 5000, epoch: 0, sequence: 9, values: ["z"])
            let refused = try #require(try await harness.call(Self.produce("orders", records: gap), version: 8))
            #expect(refused.responses[0].partitionResponses[0].errorCode == ErrorCode.outOfOrderSequenceNumber.rawValue)
            #expect(await log.logEndOffset == 4)
            let errors = try harness.metrics.expectCounter(
                "souk_broker_errors_total", [("api", "Produce"), ("error", "45")])
            #expect(errors.totalValue == 1)
        }
    }

    @Test(
        "after a crash (no producer snapshot) the producer state is rebuilt from the log, so a retry is not stored twice"
    )
    func producerStateRebuiltFromTheLog() async throws {
        try await Self.withHarness { harness in
            let batch = try Self.batch(producerId: 7000, epoch: 0, sequence: 0, values: ["a", "b"])
            _ = try await harness.call(Self.produce("crash", records: batch), version: 8)
            // A new table without the snapshot stands for the state after kill -9.
            let fresh = ProducerStateTable(directory: harness.directory + "/nowhere", logger: Logger(label: "test"))
            await fresh.rebuild(from: harness.registry)
            let decision = await fresh.check(
                topic: "crash", partition: 0, producerId: 7000, epoch: 0, baseSequence: 0, lastOffsetDelta: 1)
            #expect(decision == .duplicate(baseOffset: 0))
            let next = await fresh.check(
                topic: "crash", partition: 0, producerId: 7000, epoch: 0, baseSequence: 5, lastOffsetDelta: 0)
            #expect(next == .reject(.outOfOrderSequenceNumber, "sequence 5 does not follow 1 for producer 7000"))
        }
    }

    @Test("Produce v0–2, transactional producers and bad acks are refused with their error codes")
    func refusals() async throws {
        try await Self.withHarness { harness in
            let records = try Self.batch(values: ["x"])
            let old = try #require(try await harness.call(Self.produce("t", records: records), version: 2))
            #expect(old.responses[0].partitionResponses[0].errorCode == ErrorCode.unsupportedVersion.rawValue)
            var transactional = Self.produce("t", records: records)
            transactional.transactionalId = "tx"
            let tx = try #require(try await harness.call(transactional, version: 8))
            #expect(
                tx.responses[0].partitionResponses[0].errorCode == ErrorCode.transactionalIdAuthorizationFailed.rawValue
            )
            let acks = try #require(try await harness.call(Self.produce("t", records: records, acks: 2), version: 8))
            #expect(acks.responses[0].partitionResponses[0].errorCode == ErrorCode.invalidRequiredAcks.rawValue)
            var flipped = records
            let position = flipped.readerIndex + 62
            flipped.setInteger(try #require(flipped.getInteger(at: position, as: UInt8.self)) ^ 0xFF, at: position)
            let corrupt = try #require(try await harness.call(Self.produce("t", records: flipped), version: 8))
            #expect(corrupt.responses[0].partitionResponses[0].errorCode == ErrorCode.corruptMessage.rawValue)
            let noAnswer = try await harness.call(Self.produce("t", records: records, acks: 0), version: 8)
            #expect(noAnswer == nil)
        }
    }

    @Test("Metadata creates requested topics with the default partitions and names this broker controller")
    func metadata() async throws {
        try await Self.withHarness { harness in
            let request = MetadataRequest(topics: [.init(name: "events"), .init(name: "bad name!")])
            let response = try #require(try await harness.call(request, version: 8))
            #expect(response.controllerId == 0)
            #expect(response.brokers.map(\.port) == [9092])
            #expect(response.topics.map(\.name) == ["events", "bad name!"])
            #expect(response.topics[0].partitions.count == 2)
            #expect(response.topics[1].errorCode == ErrorCode.invalidTopicException.rawValue)
            let noCreate = MetadataRequest(topics: [.init(name: "other")], allowAutoTopicCreation: false)
            let refused = try #require(try await harness.call(noCreate, version: 8))
            #expect(refused.topics[0].errorCode == ErrorCode.unknownTopicOrPartition.rawValue)
        }
    }

    @Test("a long-polling fetch returns as soon as data arrives, and at once when min_bytes is met")
    func longPoll() async throws {
        try await Self.withHarness { harness in
            _ = try await harness.call(MetadataRequest(topics: [.init(name: "lp")]), version: 8)
            let fetch = FetchRequest(
                maxWaitMs: 20_000, minBytes: 1, maxBytes: 1 << 20,
                topics: [
                    .init(topic: "lp", partitions: [.init(partition: 0, fetchOffset: 0, partitionMaxBytes: 1 << 20)])
                ])
            let started = ContinuousClock.now
            async let fetched = harness.call(fetch, version: 11)
            // Produce once the fetch is parked (it parks immediately; a late produce still wakes it).
            _ = try await harness.call(Self.produce("lp", records: try Self.batch(values: ["hello"])), version: 8)
            let response = try #require(try await fetched)
            #expect(ContinuousClock.now - started < .seconds(10))
            let records = try #require(response.responses[0].partitions[0].records)
            let batches = try RecordBatchReader.batches(in: records)
            #expect(batches.count == 1)
            #expect(response.responses[0].partitions[0].highWatermark == 1)
        }
    }

    @Test("an unknown ApiVersions version gets UNSUPPORTED_VERSION with the ranges, in v0's layout")
    func apiVersionsFallback() async throws {
        try await Self.withHarness { harness in
            var frame = ByteBuffer()
            RequestHeader(apiKey: ApiKey.apiVersions, apiVersion: 7, correlationId: 9, clientId: nil)
                .encode(into: &frame, headerVersion: 2)
            frame.writeBytes([0, 0, 0])
            guard case .respond(var response) = await harness.router.handle(frame: frame) else {
                Issue.record("no response")
                return
            }
            _ = response.readInteger(as: Int32.self)
            #expect(response.readInteger(as: Int32.self) == 9)
            let body = try ApiVersionsResponse(decodingWhole: response, version: 0)
            #expect(body.errorCode == ErrorCode.unsupportedVersion.rawValue)
            let produce = try #require(body.apiKeys.first { $0.apiKey == ApiKey.produce.rawValue })
            #expect(produce.minVersion == 0 && produce.maxVersion == 8)
        }
    }
}
