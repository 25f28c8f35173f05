import Kafka
import Logging

/// `GET /api/broker`: topics, partitions, log start and end offsets, and consumer groups with their
/// committed offsets and lag, asked of the bootstrap through the Kafka protocol (Metadata,
/// ListOffsets, ListGroups, DescribeGroups, OffsetFetch), so it works against any Kafka cluster.
final class BrokerOverview: Sendable {
    let bootstrap: String
    private let consumer: KafkaConsumer

    init(bootstrap: String, logger: Logger) {
        self.bootstrap = bootstrap
        var configuration = KafkaConsumerConfiguration(bootstrapServers: [bootstrap], groupId: nil)
        configuration.client.clientId = "souk-web"
        configuration.client.allowAutoTopicCreation = false
        consumer = KafkaConsumer(configuration: configuration, logger: logger)
    }

    struct Overview: Encodable {
        var bootstrap: String
        var topics: [Topic]
        var groups: [Group]
    }

    struct Topic: Encodable {
        var name: String
        var partitions: [Partition]
    }

    struct Partition: Encodable {
        var partition: Int32
        var logStartOffset: Int64
        var logEndOffset: Int64

        private enum CodingKeys: String, CodingKey {
            case partition
            case logStartOffset = "log_start_offset"
            case logEndOffset = "log_end_offset"
        }
    }

    struct Group: Encodable {
        var groupId: String
        var state: String
        var offsets: [GroupOffset]

        private enum CodingKeys: String, CodingKey {
            case groupId = "group_id"
            case state, offsets
        }
    }

    struct GroupOffset: Encodable {
        var topic: String
        var partition: Int32
        var committed: Int64
        var lag: Int64
    }

    func describe() async throws -> Overview {
        let cluster = consumer.clusterClient
        let metadata = try await cluster.refreshMetadata(topics: nil)
        let partitions = metadata.topics.values.flatMap { topic in
            topic.partitions.keys.map { TopicPartition(topic: topic.name, partition: $0) }
        }
        let starts = try await consumer.beginningOffsets(partitions)
        let ends = try await consumer.endOffsets(partitions)
        let topics = metadata.topics.values.sorted { $0.name < $1.name }.map { topic in
            Topic(
                name: topic.name,
                partitions: topic.partitions.keys.sorted().map { partition in
                    let key = TopicPartition(topic: topic.name, partition: partition)
                    return Partition(
                        partition: partition, logStartOffset: starts[key] ?? 0, logEndOffset: ends[key] ?? 0)
                })
        }

        let listed = try await cluster.sendToAnyBroker(ListGroupsRequest())
        var groups: [Group] = []
        for groupId in listed.groups.map(\.groupId).sorted() {
            let coordinator = try await cluster.coordinator(for: groupId)
            let described = try await cluster.send(DescribeGroupsRequest(groups: [groupId]), over: coordinator)
            let fetched = try await cluster.send(OffsetFetchRequest(groupId: groupId, topics: nil), over: coordinator)
            var offsets: [GroupOffset] = []
            for topic in fetched.topics.sorted(by: { $0.name < $1.name }) {
                for partition in topic.partitions.sorted(by: { $0.partitionIndex < $1.partitionIndex })
                where partition.committedOffset >= 0 {
                    let end = ends[TopicPartition(topic: topic.name, partition: partition.partitionIndex)]
                    offsets.append(
                        GroupOffset(
                            topic: topic.name, partition: partition.partitionIndex,
                            committed: partition.committedOffset,
                            lag: max(0, (end ?? partition.committedOffset) - partition.committedOffset)))
                }
            }
            groups.append(
                Group(groupId: groupId, state: described.groups.first?.groupState ?? "Unknown", offsets: offsets))
        }
        return Overview(bootstrap: bootstrap, topics: topics, groups: groups)
    }

    func close() async {
        await consumer.close()
    }
}
