import NIOCore

/// The "consumer" embedded protocol's member metadata (Kafka's ConsumerProtocolSubscription v0):
/// version int16, topics as an int32-counted array of int16-length strings, nullable int32-length
/// user data. Newer versions append fields, which decoding ignores.
package struct ConsumerSubscription: Sendable, Equatable {
    package var version: Int16 = 0
    package var topics: [String]
    package var userData: ByteBuffer?

    package init(version: Int16 = 0, topics: [String], userData: ByteBuffer? = ByteBuffer()) {
        self.version = version
        self.topics = topics
        self.userData = userData
    }

    package func encoded() -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeInteger(version)
        buffer.writeKafkaArray(topics) { topic, element in element.writeKafkaString(topic) }
        buffer.writeKafkaBytes(userData)
        return buffer
    }

    package init(decoding bytes: ByteBuffer) throws(KafkaClientError) {
        var buffer = bytes
        do {
            let version: Int16 = try buffer.readKafkaInteger()
            guard version >= 0 else { throw WireError.invalidValue("subscription version \(version)") }
            let topics = try buffer.readKafkaArray { (element: inout ByteBuffer) throws(WireError) -> String in
                try element.readKafkaString()
            }
            let userData = try buffer.readKafkaNullableBytes()
            self.version = version
            self.topics = topics
            self.userData = userData
        } catch {
            throw .invalidGroupProtocol("subscription: \(error)")
        }
    }
}

/// The "consumer" protocol's assignment (Kafka's ConsumerProtocolAssignment v0): version int16, an
/// array of (topic string, int32 partitions array), nullable user data.
package struct ConsumerAssignment: Sendable, Equatable {
    package var version: Int16 = 0
    /// Partitions per topic, in the order they are written.
    package var topics: [(topic: String, partitions: [Int32])]
    package var userData: ByteBuffer?

    package init(version: Int16 = 0, partitions: [TopicPartition], userData: ByteBuffer? = ByteBuffer()) {
        self.version = version
        var byTopic: [String: [Int32]] = [:]
        for partition in partitions { byTopic[partition.topic, default: []].append(partition.partition) }
        topics = byTopic.sorted { $0.key < $1.key }.map { ($0.key, $0.value.sorted()) }
        self.userData = userData
    }

    /// The assigned partitions, sorted.
    package var partitions: [TopicPartition] {
        topics.flatMap { topic in topic.partitions.map { TopicPartition(topic: topic.topic, partition: $0) } }.sorted()
    }

    package func encoded() -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeInteger(version)
        buffer.writeKafkaArray(topics) { topic, element in
            element.writeKafkaString(topic.topic)
            element.writeKafkaArray(topic.partitions) { partition, inner in inner.writeInteger(partition) }
        }
        buffer.writeKafkaBytes(userData)
        return buffer
    }

    /// Decodes an assignment; empty bytes (a member that got nothing from an old leader) are an empty assignment.
    package init(decoding bytes: ByteBuffer) throws(KafkaClientError) {
        guard bytes.readableBytes > 0 else {
            version = 0
            topics = []
            userData = nil
            return
        }
        var buffer = bytes
        do {
            let version: Int16 = try buffer.readKafkaInteger()
            guard version >= 0 else { throw WireError.invalidValue("assignment version \(version)") }
            let topics = try buffer.readKafkaArray {
                (element: inout ByteBuffer) throws(WireError) -> (topic: String, partitions: [Int32]) in
                let topic = try element.readKafkaString()
                let partitions = try element.readKafkaArray { (inner: inout ByteBuffer) throws(WireError) -> Int32 in
                    try inner.readKafkaInteger()
                }
                return (topic, partitions)
            }
            let userData = try buffer.readKafkaNullableBytes()
            self.version = version
            self.topics = topics
            self.userData = userData
        } catch {
            throw .invalidGroupProtocol("assignment: \(error)")
        }
    }

    package static func == (lhs: ConsumerAssignment, rhs: ConsumerAssignment) -> Bool {
        lhs.version == rhs.version && lhs.userData == rhs.userData && lhs.topics.count == rhs.topics.count
            && zip(lhs.topics, rhs.topics).allSatisfy { $0.topic == $1.topic && $0.partitions == $1.partitions }
    }
}
