import NIOCore
import Storage
import Testing

@testable import Kafka

/// A tiny in-process group coordinator (classic protocol, one group) for `GroupMember` tests: every
/// request and response goes through the real codecs at the highest version. JoinGroup answers once
/// `expectedMembers` members have joined; a join after a stable generation makes heartbeats answer
/// REBALANCE_IN_PROGRESS. Against the real broker the group member is exercised by the interop tests.
actor FakeGroupCoordinator: GroupTransport, KafkaRequestSending {
    var expectedMembers: Int
    let partitionCounts: [String: Int]
    private var nextMemberNumber = 0
    private var generationId: Int32 = 0
    private var joining: [String: (metadata: ByteBuffer, waiter: CheckedContinuation<JoinGroupResponse, Never>)] = [:]
    private var members: Set<String> = []
    private var rebalancing = false
    private var assignments: [Int32: [String: ByteBuffer]] = [:]
    private var syncWaiters: [(String, Int32, CheckedContinuation<SyncGroupResponse, Never>)] = []
    private(set) var committed: [TopicPartition: Int64] = [:]
    private(set) var memberIdRequiredCount = 0

    init(expectedMembers: Int, partitionCounts: [String: Int]) {
        self.expectedMembers = expectedMembers
        self.partitionCounts = partitionCounts
    }

    func setExpectedMembers(_ count: Int) { expectedMembers = count }

    nonisolated func coordinator(for groupId: String) async throws(KafkaClientError) -> any KafkaRequestSending { self }
    nonisolated func partitionCounts(for topics: [String]) async throws(KafkaClientError) -> [String: Int] {
        partitionCounts.filter { topics.contains($0.key) }
    }

    nonisolated func send<R: KafkaRequest>(_ request: R, timeout: Duration?) async throws(KafkaClientError)
        -> R.Response
    {
        let version = R.supportedVersions.upperBound
        let bytes = request.encoded(version: version)
        let answer: ByteBuffer
        do {
            switch R.apiKey {
            case .joinGroup:
                answer = await join(try JoinGroupRequest(decodingWhole: bytes, version: version)).encoded(
                    version: version)
            case .syncGroup:
                answer = await sync(try SyncGroupRequest(decodingWhole: bytes, version: version)).encoded(
                    version: version)
            case .heartbeat:
                answer = await heartbeat(try HeartbeatRequest(decodingWhole: bytes, version: version)).encoded(
                    version: version)
            case .leaveGroup:
                answer = await leave(try LeaveGroupRequest(decodingWhole: bytes, version: version)).encoded(
                    version: version)
            case .offsetCommit:
                answer = await commit(try OffsetCommitRequest(decodingWhole: bytes, version: version)).encoded(
                    version: version)
            default: throw KafkaClientError.noCommonVersion(api: R.apiKey, client: R.supportedVersions, broker: nil)
            }
            return try R.Response(decodingWhole: answer, version: version)
        } catch {
            throw KafkaClientError(error)
        }
    }

    private func join(_ request: JoinGroupRequest) async -> JoinGroupResponse {
        if request.memberId.isEmpty {
            nextMemberNumber += 1
            memberIdRequiredCount += 1
            return JoinGroupResponse(
                errorCode: ErrorCode.memberIdRequired.rawValue, memberId: "member-\(nextMemberNumber)")
        }
        rebalancing = true
        let metadata = request.protocols.first { $0.name == "range" }?.metadata ?? ByteBuffer()
        return await withCheckedContinuation { continuation in
            joining[request.memberId] = (metadata, continuation)
            completeJoinIfReady()
        }
    }

    private func completeJoinIfReady() {
        guard joining.count >= expectedMembers else { return }
        generationId += 1
        rebalancing = false
        members = Set(joining.keys)
        let leader = members.sorted()[0]
        let memberList = joining.sorted { $0.key < $1.key }.map {
            JoinGroupResponse.JoinGroupResponseMember(memberId: $0.key, metadata: $0.value.metadata)
        }
        for (memberId, entry) in joining {
            entry.waiter.resume(
                returning: JoinGroupResponse(
                    generationId: generationId, protocolName: "range", leader: leader, memberId: memberId,
                    members: memberId == leader ? memberList : []))
        }
        joining = [:]
    }

    private func sync(_ request: SyncGroupRequest) async -> SyncGroupResponse {
        guard request.generationId == generationId else {
            return SyncGroupResponse(errorCode: ErrorCode.illegalGeneration.rawValue)
        }
        if !request.assignments.isEmpty {
            assignments[generationId] = Dictionary(
                uniqueKeysWithValues: request.assignments.map { ($0.memberId, $0.assignment) })
            for (memberId, generation, waiter) in syncWaiters where generation == generationId {
                waiter.resume(
                    returning: SyncGroupResponse(assignment: assignments[generation]?[memberId] ?? ByteBuffer()))
            }
            syncWaiters.removeAll { $0.1 == generationId }
        }
        if let plan = assignments[request.generationId] {
            return SyncGroupResponse(assignment: plan[request.memberId] ?? ByteBuffer())
        }
        return await withCheckedContinuation { syncWaiters.append((request.memberId, request.generationId, $0)) }
    }

    private func heartbeat(_ request: HeartbeatRequest) -> HeartbeatResponse {
        guard members.contains(request.memberId) else {
            return HeartbeatResponse(errorCode: ErrorCode.unknownMemberId.rawValue)
        }
        if rebalancing { return HeartbeatResponse(errorCode: ErrorCode.rebalanceInProgress.rawValue) }
        guard request.generationId == generationId else {
            return HeartbeatResponse(errorCode: ErrorCode.illegalGeneration.rawValue)
        }
        return HeartbeatResponse()
    }

    private func leave(_ request: LeaveGroupRequest) -> LeaveGroupResponse {
        let leaving = request.members.map(\.memberId) + [request.memberId]
        for memberId in leaving where members.remove(memberId) != nil {
            expectedMembers -= 1
            rebalancing = true
        }
        return LeaveGroupResponse()
    }

    private func commit(_ request: OffsetCommitRequest) -> OffsetCommitResponse {
        let valid = request.generationIdOrMemberEpoch == generationId && members.contains(request.memberId)
        return OffsetCommitResponse(
            topics: request.topics.map { topic in
                .init(
                    name: topic.name,
                    partitions: topic.partitions.map { partition in
                        if valid {
                            committed[TopicPartition(topic: topic.name, partition: partition.partitionIndex)] =
                                partition.committedOffset
                        }
                        return .init(
                            partitionIndex: partition.partitionIndex,
                            errorCode: valid ? 0 : ErrorCode.illegalGeneration.rawValue)
                    })
            })
    }
}

@Suite struct GroupMemberTests {
    func configuration(_ groupId: String = "g") -> GroupMemberConfiguration {
        var configuration = GroupMemberConfiguration(groupId: groupId, topics: ["orders"])
        configuration.heartbeatInterval = .milliseconds(20)
        configuration.retryBackoff = .milliseconds(5)
        return configuration
    }

    @Test func singleMemberJoinsWithTheAssignedIdAndGetsEveryPartition() async throws {
        let coordinator = FakeGroupCoordinator(expectedMembers: 1, partitionCounts: ["orders": 4])
        let member = GroupMember(configuration: configuration(), transport: coordinator)
        let partitions = try await member.join()
        #expect(partitions.map(\.partition) == [0, 1, 2, 3])
        #expect(await coordinator.memberIdRequiredCount == 1)
        let generation = try #require(await member.generation)
        #expect(generation == GroupGeneration(generationId: 1, memberId: "member-1"))
        #expect(try await member.heartbeat())
        try await member.commit(offsets: [TopicPartition(topic: "orders", partition: 2): 42])
        #expect(await coordinator.committed == [TopicPartition(topic: "orders", partition: 2): 42])
        await member.leave()
        #expect(await member.generation == nil)
    }

    @Test func twoMembersSplitThePartitionsAndRebalanceWhenOneLeaves() async throws {
        let coordinator = FakeGroupCoordinator(expectedMembers: 2, partitionCounts: ["orders": 4])
        let first = GroupMember(configuration: configuration(), transport: coordinator)
        let second = GroupMember(configuration: configuration(), transport: coordinator)
        let seen = AssignmentLog()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await first.run { partitions, generation in
                    seen.withLock { $0[generation.memberId, default: []].append(partitions.map(\.partition)) }
                }
            }
            // The second member runs in a task of its own, so that it can stop (and leave) alone:
            // calling leave() while its run loop goes on would only make it join again.
            let secondRun = Task {
                try await second.run { partitions, generation in
                    seen.withLock { $0[generation.memberId, default: []].append(partitions.map(\.partition)) }
                }
            }
            // Both joined generation 1: range gives two contiguous partitions each.
            try await waitUntil { seen.withLock { $0.values.filter { !$0.isEmpty }.count == 2 } }
            let split = seen.withLock { $0 }
            #expect(split.count == 2)
            #expect(split["member-1"]?.first == [0, 1] || split["member-2"]?.first == [0, 1])
            #expect(Set(split.values.compactMap(\.first).joined()) == [0, 1, 2, 3])
            // The second member stops and leaves: the first rejoins (REBALANCE_IN_PROGRESS) and gets all four.
            let secondId = try #require(await second.generation?.memberId)
            secondRun.cancel()
            try await secondRun.value
            #expect(await second.generation == nil)
            let firstId = try #require(await first.generation?.memberId)
            try await waitUntil { seen.withLock { $0[firstId]?.last == [0, 1, 2, 3] } }
            #expect(secondId != firstId)
            #expect(seen.withLock { $0.keys.sorted() } == ["member-1", "member-2"], "nobody joined again")
            group.cancelAll()
        }
    }

    /// Waits for `condition` with a deadline (no fixed sleeps). The deadline is generous: under the
    /// whole suite, long synchronous tests can hold both of the cooperative pool's threads for seconds.
    func waitUntil(within: Duration = .seconds(60), _ condition: @Sendable () async -> Bool) async throws {
        let deadline = ContinuousClock.now + within
        while !(await condition()) {
            guard ContinuousClock.now < deadline else {
                Issue.record("condition not met within \(within)")
                return
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}

/// Assignments each member reported, per member id.
final class AssignmentLog: Sendable {
    private let log = Locked<[String: [[Int32]]]>([:])

    func withLock<T: Sendable>(_ body: (inout [String: [[Int32]]]) -> T) -> T {
        log.withLock { body(&$0) }
    }
}
