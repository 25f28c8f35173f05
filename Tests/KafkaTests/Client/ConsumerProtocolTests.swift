import NIOCore
import Testing

@testable import Kafka

/// Bytes from kafka-python 3.0.12: `kafka.protocol.consumer.metadata.ConsumerProtocolSubscription` /
/// `ConsumerProtocolAssignment` `.encode(version=0)`.
@Suite struct ConsumerProtocolTests {
    @Test func subscriptionMatchesKafkaPython() throws {
        let expected = ByteBuffer(hex: "0000 00000002 0006 6f7264657273 0006 636c69636b73 00000000")
        let subscription = ConsumerSubscription(topics: ["orders", "clicks"])
        #expect(subscription.encoded() == expected)
        #expect(try ConsumerSubscription(decoding: expected) == subscription)
    }

    @Test func subscriptionUserDataAndNull() throws {
        let withData = ByteBuffer(hex: "0000 00000001 0001 74 00000002 0102")
        #expect(try ConsumerSubscription(decoding: withData).userData == ByteBuffer([1, 2]))
        let null = ByteBuffer(hex: "0000 00000001 0001 74 ffffffff")
        #expect(ConsumerSubscription(topics: ["t"], userData: nil).encoded() == null)
        #expect(try ConsumerSubscription(decoding: null).userData == nil)
    }

    @Test func assignmentMatchesKafkaPython() throws {
        let expected = ByteBuffer(
            hex:
                "0000 00000002 0006 636c69636b73 00000002 00000000 00000002 0006 6f7264657273 00000001 00000001 00000000"
        )
        let assignment = ConsumerAssignment(partitions: [
            TopicPartition(topic: "orders", partition: 1), TopicPartition(topic: "clicks", partition: 2),
            TopicPartition(topic: "clicks", partition: 0),
        ])
        #expect(assignment.encoded() == expected)
        let decoded = try ConsumerAssignment(decoding: expected)
        #expect(decoded.partitions.map(\.description) == ["clicks-0", "clicks-2", "orders-1"])
        #expect(
            ConsumerAssignment(partitions: [], userData: nil).encoded() == ByteBuffer(hex: "0000 00000000 ffffffff"))
    }

    @Test func truncatedBytesAreATypedError() {
        #expect(throws: KafkaClientError.self) {
            try ConsumerSubscription(decoding: ByteBuffer(hex: "0000 00000002 0006 6f72"))
        }
        #expect(throws: KafkaClientError.self) { try ConsumerAssignment(decoding: ByteBuffer(hex: "0000 7fffffff")) }
    }
}

@Suite struct AssignmentStrategyTests {
    /// Java RangeAssignor's javadoc example: C0 gets t0p0, t0p1, t1p0, t1p1; C1 gets t0p2, t1p2.
    @Test func rangeFollowsTheJavaExample() {
        let plan = AssignmentStrategy.range.assign(
            subscriptions: ["C0": ["t0", "t1"], "C1": ["t0", "t1"]], partitionCounts: ["t0": 3, "t1": 3])
        #expect(plan["C0"]?.map(\.description) == ["t0-0", "t0-1", "t1-0", "t1-1"])
        #expect(plan["C1"]?.map(\.description) == ["t0-2", "t1-2"])
    }

    /// Java RoundRobinAssignor's javadoc example: C0 gets t0p0, t0p2, t1p1; C1 gets t0p1, t1p0, t1p2.
    @Test func roundRobinFollowsTheJavaExample() {
        let plan = AssignmentStrategy.roundRobin.assign(
            subscriptions: ["C0": ["t0", "t1"], "C1": ["t0", "t1"]], partitionCounts: ["t0": 3, "t1": 3])
        #expect(plan["C0"]?.map(\.description) == ["t0-0", "t0-2", "t1-1"])
        #expect(plan["C1"]?.map(\.description) == ["t0-1", "t1-0", "t1-2"])
    }

    /// Java's unequal-subscription example: C0 [t0], C1 [t0, t1], C2 [t0, t1, t2] with 1, 2, 3 partitions.
    @Test func roundRobinSkipsUnsubscribedMembers() {
        let plan = AssignmentStrategy.roundRobin.assign(
            subscriptions: ["C0": ["t0"], "C1": ["t0", "t1"], "C2": ["t0", "t1", "t2"]],
            partitionCounts: ["t0": 1, "t1": 2, "t2": 3])
        #expect(plan["C0"]?.map(\.description) == ["t0-0"])
        #expect(plan["C1"]?.map(\.description) == ["t1-0"])
        #expect(plan["C2"]?.map(\.description) == ["t1-1", "t2-0", "t2-1", "t2-2"])
    }

    @Test(arguments: AssignmentStrategy.allCases)
    func everyPartitionGoesToExactlyOneMember(strategy: AssignmentStrategy) {
        let plan = strategy.assign(
            subscriptions: ["b": ["x", "y"], "a": ["x", "y"], "c": ["x", "y"]], partitionCounts: ["x": 7, "y": 2])
        let all = plan.values.flatMap { $0 }
        #expect(all.count == 9)
        #expect(Set(all).count == 9)
        #expect(plan.keys.sorted() == ["a", "b", "c"])
        #expect(plan.values.map(\.count).max()! - plan.values.map(\.count).min()! <= 2)
    }

    @Test func moreMembersThanPartitionsLeavesSomeEmpty() {
        let plan = AssignmentStrategy.range.assign(
            subscriptions: ["m1": ["t"], "m2": ["t"], "m3": ["t"]], partitionCounts: ["t": 2])
        #expect(plan["m1"]?.map(\.partition) == [0])
        #expect(plan["m2"]?.map(\.partition) == [1])
        #expect(plan["m3"] == [])
    }
}
