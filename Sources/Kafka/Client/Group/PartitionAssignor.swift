/// The client-side assignment strategies of Kafka's consumer protocol; the group leader runs the one
/// the coordinator chose.
package enum AssignmentStrategy: String, Sendable, CaseIterable {
    /// Per topic, partitions in order split into contiguous ranges over members sorted by id; the
    /// first `partitions % members` members get one more (Java's RangeAssignor).
    case range = "range"
    /// All partitions of all subscribed topics, sorted, dealt to members sorted by id in turn,
    /// skipping members not subscribed to the partition's topic (Java's RoundRobinAssignor).
    case roundRobin = "roundrobin"

    /// Assigns partitions. `subscriptions`: member id → topics; `partitionCounts`: topic → count
    /// (topics without a count are skipped). Every member appears in the result.
    package func assign(subscriptions: [String: [String]], partitionCounts: [String: Int]) -> [String: [TopicPartition]]
    {
        var result: [String: [TopicPartition]] = [:]
        for member in subscriptions.keys { result[member] = [] }
        switch self {
        case .range:
            var membersPerTopic: [String: [String]] = [:]
            for (member, topics) in subscriptions {
                for topic in Set(topics) { membersPerTopic[topic, default: []].append(member) }
            }
            for (topic, unsortedMembers) in membersPerTopic {
                guard let count = partitionCounts[topic], count > 0 else { continue }
                let members = unsortedMembers.sorted()
                let perMember = count / members.count
                let extra = count % members.count
                for (index, member) in members.enumerated() {
                    let start = perMember * index + min(index, extra)
                    let length = perMember + (index < extra ? 1 : 0)
                    for partition in start..<(start + length) {
                        result[member, default: []].append(TopicPartition(topic: topic, partition: Int32(partition)))
                    }
                }
            }
        case .roundRobin:
            let members = subscriptions.keys.sorted()
            guard !members.isEmpty else { return result }
            let all = Set(subscriptions.values.joined()).sorted().flatMap { topic in
                (0..<(partitionCounts[topic] ?? 0)).map { TopicPartition(topic: topic, partition: Int32($0)) }
            }
            var next = 0
            for partition in all {
                // Deal to the next member in the circle that subscribes to the topic.
                for step in 0..<members.count {
                    let member = members[(next + step) % members.count]
                    if subscriptions[member]?.contains(partition.topic) == true {
                        result[member, default: []].append(partition)
                        next = (next + step + 1) % members.count
                        break
                    }
                }
            }
        }
        for member in result.keys { result[member]?.sort() }
        return result
    }
}
