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
        /// The same broker with fetches read into buffers instead of sent from the files.
        let preadRouter: RequestRouter
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
            var preadConfiguration = configuration
            preadConfiguration.fetchIO = .pread
            preadRouter = RequestRouter(
                registry: registry, producers: producers, groups: groups, configuration: preadConfiguration,
                advertisedHost: "127.0.0.1", advertisedPort: 9092, logger: logger, metricsFactory: TestMetrics())
        }

        /// The whole response frame of an outcome, file slices read in; nil without a response.
        static func frame(_ outcome: RequestRouter.Outcome) throws -> ByteBuffer? {
            switch outcome {
            case .respond(let response): return response
            case .respondInParts(let parts):
                var frame = ByteBuffer()
                for part in parts {
                    switch part {
                    case .bytes(let bytes): frame.writeImmutableBuffer(bytes)
                    case .file(let slice): frame.writeImmutableBuffer(try slice.read())
                    }
                }
                return frame
            case .noResponse, .close: return nil
            }
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
            let outcome = await router.handle(frame: frame)
            switch outcome {
            case .respond, .respondInParts:
                guard var response = try Self.frame(outcome) else { return nil }
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

    static func batch(
        producerId: Int64 = -1, epoch: Int16 = -1, sequence: Int32 = -1, values: [String],
        timestamp: Int64 = 1_700_000_000_000
    ) throws -> ByteBuffer {
        var header = RecordBatchHeader()
        header.producerId = producerId
        header.producerEpoch = epoch
        header.baseSequence = sequence
        header.baseTimestamp = timestamp
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
        "after a crash (no producer snapshot) the producer state and id counter are rebuilt from the log: a retry is not stored twice, an id not reused"
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
            try FileManager.default.createDirectory(
                atPath: harness.directory + "/nowhere", withIntermediateDirectories: true)
            #expect(try await fresh.allocateProducerId() == 7001, "an id seen in the log is never handed out again")
        }
    }

    @Test("an unreadable producer snapshot is a logged warning naming it, and the table starts empty")
    func unreadableProducerSnapshot() async throws {
        let fixture = try LogFixture()
        let path = fixture.directory + "/producers.json"
        try Data("{ not json".utf8).write(to: URL(fileURLWithPath: path))
        let store = fixture.logs
        let table = ProducerStateTable(
            directory: fixture.directory, logger: Logger(label: "test") { _ in RecordingLogHandler(store: store) })
        let warning = try #require(store.all.first { $0.message.contains("producer state snapshot unreadable") })
        #expect(warning.level == .warning && warning.metadata["path"] == path)
        let decision = await table.check(
            topic: "t", partition: 0, producerId: 5000, epoch: 0, baseSequence: 0, lastOffsetDelta: 0)
        #expect(decision == .append)
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

    @Test("fetches sent from the segment files frame the same bytes as fetches read into buffers, every version")
    func sendfileFramesEqualPread() async throws {
        try await Self.withHarness { harness in
            _ = try await harness.call(MetadataRequest(topics: [.init(name: "sf")]), version: 8)
            for round in 0..<3 {
                for partition: Int32 in 0..<2 {
                    let values = (0..<(5 + round)).map { "p\(partition)-r\(round)-\($0)" }
                    // Recent timestamps: older ones would roll a segment per batch (retention by age).
                    let records = try Self.batch(values: values, timestamp: RequestRouter.now())
                    _ = try await harness.call(Self.produce("sf", partition: partition, records: records), version: 8)
                }
            }
            for version in Int16(4)...11 {
                let fetch = FetchRequest(
                    maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20,
                    topics: [
                        .init(
                            topic: "sf",
                            partitions: [
                                // From inside the second batch: whole batches from there; then a limit
                                // below one batch (nothing: only the first partition with data may send a
                                // batch over its limit, as in Kafka); then the log end (nothing to send).
                                .init(partition: 0, fetchOffset: 7, partitionMaxBytes: 1 << 20),
                                .init(partition: 1, fetchOffset: 0, partitionMaxBytes: 10),
                                .init(partition: 0, fetchOffset: 18, partitionMaxBytes: 1 << 20),
                            ]),
                        .init(
                            topic: "missing", partitions: [.init(partition: 0, fetchOffset: 0, partitionMaxBytes: 100)]),
                    ])
                var frame = ByteBuffer()
                RequestHeader(apiKey: ApiKey.fetch, apiVersion: version, correlationId: 5, clientId: "t")
                    .encode(into: &frame, headerVersion: HeaderVersions.request(for: ApiKey.fetch, version: version))
                fetch.encode(into: &frame, version: version)
                let sent = await harness.router.handle(frame: frame)
                guard case .respondInParts(let parts) = sent else {
                    Issue.record("v\(version): not sent in parts")
                    continue
                }
                #expect(parts.filter { if case .file = $0 { true } else { false } }.count == 1, "v\(version)")
                let fromFiles = try #require(try Harness.frame(sent))
                let fromBuffers = try #require(try Harness.frame(await harness.preadRouter.handle(frame: frame)))
                #expect(fromFiles == fromBuffers, "v\(version)")
                var body = fromFiles
                #expect(body.readInteger(as: Int32.self).map(Int.init) == body.readableBytes)
                _ = try ResponseHeader(
                    from: &body, headerVersion: HeaderVersions.response(for: ApiKey.fetch, version: version))
                let response = try FetchResponse(decodingWhole: body, version: version)
                let offsets = try response.responses[0].partitions.map { partition in
                    try RecordBatchReader.batches(in: partition.records ?? ByteBuffer()).map(\.header.baseOffset)
                }
                #expect(offsets == [[5, 11], [], []], "v\(version)")
            }
        }
    }

    @Test("AlterConfigs applies to the open logs at once: a smaller segment.bytes rolls the next appends")
    func alterConfigsAppliesToOpenLogs() async throws {
        try await Self.withHarness { harness in
            _ = try await harness.call(MetadataRequest(topics: [.init(name: "ac")]), version: 8)
            let now = RequestRouter.now()
            let first = try Self.batch(values: ["a", "b"], timestamp: now)
            _ = try await harness.call(Self.produce("ac", records: first), version: 8)
            let log = try #require(await harness.registry.log(topic: "ac", partition: 0))
            #expect(await log.segmentBaseOffsets == [0])
            let alter = AlterConfigsRequest(resources: [
                .init(
                    resourceType: RequestRouter.ConfigResource.topic, resourceName: "ac",
                    configs: [.init(name: "segment.bytes", value: "100")])
            ])
            let response = try #require(try await harness.call(alter, version: 1))
            #expect(response.responses.map(\.errorCode) == [0])
            #expect(await log.configuration.segmentBytes == 100)
            for round in 0..<2 {
                let batch = try Self.batch(values: ["c\(round)", "d\(round)"], timestamp: now)
                _ = try await harness.call(Self.produce("ac", records: batch), version: 8)
            }
            // Each batch is over 61 bytes: every append after the change starts a segment.
            #expect(await log.segmentBaseOffsets == [0, 2, 4])
            #expect(await log.logEndOffset == 6)
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
