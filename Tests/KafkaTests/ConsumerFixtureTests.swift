import Foundation
import NIOCore
import Testing

@testable import Kafka

/// Requests real consumers (confluent-kafka, kafka-python, aiokafka) sent to a real `souk broker`,
/// recorded by Fixtures/capture_consumers.py through a proxy: groups, commits, fetches, offsets.
@Suite struct ConsumerFixtureTests {
    static let clients = ["confluent-kafka-consumer", "kafka-python-consumer", "aiokafka-consumer"]

    static func files(_ client: String) throws -> [String] {
        let directory = ClientFixtureTests.fixtures.appendingPathComponent(client)
        return try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".bin") }
            .sorted()
    }

    @Test("every captured request decodes, and re-encodes to the client's exact bytes", arguments: clients)
    func roundTrip(client: String) throws {
        let names = try Self.files(client)
        #expect(names.count >= 10)
        for name in names {
            let captured = try ClientFixtureTests.load(client, name)
            let key = try #require(captured.header.knownApiKey, "\(name)")
            guard let type = try? KafkaMessageRegistry.requestType(for: captured.header) else {
                // kafka-python opens with ApiVersions v4, which the broker answers with UNSUPPORTED_VERSION.
                #expect(key == .apiVersions && captured.header.apiVersion > 3, "\(name)")
                continue
            }
            let message = try type.init(decodingWhole: captured.body, version: captured.header.apiVersion)
            #expect(message.encoded(version: captured.header.apiVersion) == captured.body, "\(name)")
        }
    }

    @Test("group requests carry the group, the consumer protocol and the topic", arguments: clients)
    func groupContents(client: String) throws {
        let names = try Self.files(client)
        let join = try #require(names.first { $0.contains("-JoinGroup-") })
        let request = try ClientFixtureTests.decode(JoinGroupRequest.self, ClientFixtureTests.load(client, join))
        #expect(request.groupId.hasPrefix("fixture-group"))
        #expect(request.protocolType == "consumer")
        let first = try #require(request.protocols.first)
        let subscription = try ConsumerSubscription(decoding: first.metadata)
        #expect(subscription.topics == ["fixtures"])

        let commit = try #require(names.first { $0.contains("-OffsetCommit-") })
        let offsets = try ClientFixtureTests.decode(OffsetCommitRequest.self, ClientFixtureTests.load(client, commit))
        #expect(offsets.groupId == request.groupId)
        #expect(offsets.topics.map(\.name) == ["fixtures"])
        #expect(offsets.topics[0].partitions.map(\.committedOffset).reduce(0, +) == 20)

        let fetch = try #require(names.first { $0.contains("-Fetch-") })
        let fetched = try ClientFixtureTests.decode(FetchRequest.self, ClientFixtureTests.load(client, fetch))
        #expect(fetched.topics.map(\.topic) == ["fixtures"])
        #expect(fetched.maxWaitMs > 0)
    }
}
