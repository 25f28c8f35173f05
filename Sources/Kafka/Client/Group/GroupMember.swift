import Logging
import NIOCore

/// How a `GroupMember` joins its group.
package struct GroupMemberConfiguration: Sendable {
    /// The group.
    package var groupId: String
    /// The topics this member subscribes to.
    package var topics: [String]
    /// Strategies offered, preferred first. Default: `[.range, .roundRobin]`.
    package var strategies: [AssignmentStrategy] = [.range, .roundRobin]
    /// The coordinator removes a member it has not heard from for this long. Default: 45 s.
    package var sessionTimeout: Duration = .seconds(45)
    /// How long the coordinator waits for members to rejoin during a rebalance. Default: 60 s.
    package var rebalanceTimeout: Duration = .seconds(60)
    /// Time between heartbeats. Default: 3 s.
    package var heartbeatInterval: Duration = .seconds(3)
    /// Wait before retrying after a coordinator error. Default: 100 ms.
    package var retryBackoff: Duration = .milliseconds(100)
    /// Extra time on top of the rebalance timeout for a JoinGroup answer. Default: 30 s.
    package var requestTimeout: Duration = .seconds(30)

    package init(groupId: String, topics: [String]) {
        self.groupId = groupId
        self.topics = topics
    }
}

/// A member of a consumer group (classic protocol): joins (JoinGroup, retrying with the id from
/// MEMBER_ID_REQUIRED), computes the assignment when it is the leader, syncs (SyncGroup), heartbeats,
/// rejoins on REBALANCE_IN_PROGRESS and leaves (LeaveGroup) when `run` is cancelled.
package actor GroupMember {
    package let configuration: GroupMemberConfiguration
    private let transport: any GroupTransport
    private let logger: Logger
    private var memberId = ""
    /// The current generation, once joined.
    package private(set) var generation: GroupGeneration?
    /// The partitions assigned in the current generation.
    package private(set) var assignment: [TopicPartition] = []

    package init(
        configuration: GroupMemberConfiguration, transport: any GroupTransport,
        logger: Logger = Logger(label: "souk.kafka.group")
    ) {
        self.configuration = configuration
        self.transport = transport
        self.logger = logger
    }

    /// Joins (or rejoins) the group and returns this member's partitions.
    package func join() async throws(KafkaClientError) -> [TopicPartition] {
        let subscription = ConsumerSubscription(topics: configuration.topics).encoded()
        while true {
            try Task.checkCancellation(orThrow: .closed)
            let coordinator = try await transport.coordinator(for: configuration.groupId)
            let join = try await coordinator.send(
                JoinGroupRequest(
                    groupId: configuration.groupId, sessionTimeoutMs: configuration.sessionTimeout.milliseconds32,
                    rebalanceTimeoutMs: configuration.rebalanceTimeout.milliseconds32, memberId: memberId,
                    protocolType: "consumer",
                    protocols: configuration.strategies.map { .init(name: $0.rawValue, metadata: subscription) }),
                timeout: configuration.rebalanceTimeout + configuration.requestTimeout)
            switch ErrorCode(rawValue: join.errorCode) {
            case .none: break
            case .memberIdRequired:
                memberId = join.memberId
                continue
            case .unknownMemberId, .illegalGeneration:
                memberId = ""
                continue
            case let code where code.isRetriable || code == .rebalanceInProgress:
                try await pause()
                continue
            case let code: throw .broker(code, api: .joinGroup, context: configuration.groupId)
            }
            memberId = join.memberId
            var assignments: [SyncGroupRequest.SyncGroupRequestAssignment] = []
            if join.leader == join.memberId {
                assignments = try await leaderAssignments(join)
            }
            let sync = try await coordinator.send(
                SyncGroupRequest(
                    groupId: configuration.groupId, generationId: join.generationId, memberId: memberId,
                    assignments: assignments),
                timeout: configuration.rebalanceTimeout + configuration.requestTimeout)
            switch ErrorCode(rawValue: sync.errorCode) {
            case .none: break
            case .rebalanceInProgress: continue
            case .unknownMemberId:
                memberId = ""
                continue
            case .illegalGeneration: continue
            case let code where code.isRetriable:
                try await pause()
                continue
            case let code: throw .broker(code, api: .syncGroup, context: configuration.groupId)
            }
            let partitions = try ConsumerAssignment(decoding: sync.assignment).partitions
            generation = GroupGeneration(generationId: join.generationId, memberId: memberId)
            assignment = partitions
            logger.info(
                "joined group",
                metadata: [
                    "kafka.group": "\(configuration.groupId)", "kafka.generation": "\(join.generationId)",
                    "kafka.member": "\(memberId)", "kafka.partitions": "\(partitions.count)",
                ])
            return partitions
        }
    }

    /// The leader's SyncGroup assignments, with the strategy the coordinator chose.
    private func leaderAssignments(_ join: JoinGroupResponse) async throws(KafkaClientError)
        -> [SyncGroupRequest.SyncGroupRequestAssignment]
    {
        guard let strategy = AssignmentStrategy(rawValue: join.protocolName) else {
            throw .invalidGroupProtocol("unknown assignment strategy \(join.protocolName)")
        }
        var subscriptions: [String: [String]] = [:]
        for member in join.members {
            subscriptions[member.memberId] = try ConsumerSubscription(decoding: member.metadata).topics
        }
        let topics = Set(subscriptions.values.joined()).sorted()
        let counts = try await transport.partitionCounts(for: topics)
        let plan = strategy.assign(subscriptions: subscriptions, partitionCounts: counts)
        return plan.sorted { $0.key < $1.key }.map {
            .init(memberId: $0.key, assignment: ConsumerAssignment(partitions: $0.value).encoded())
        }
    }

    /// Sends one heartbeat; false when the member must rejoin (a rebalance started or it was dropped).
    package func heartbeat() async throws(KafkaClientError) -> Bool {
        guard let generation else { return false }
        let coordinator = try await transport.coordinator(for: configuration.groupId)
        let response = try await coordinator.send(
            HeartbeatRequest(
                groupId: configuration.groupId, generationId: generation.generationId, memberId: generation.memberId),
            timeout: configuration.requestTimeout)
        switch ErrorCode(rawValue: response.errorCode) {
        case .none: return true
        case .rebalanceInProgress, .illegalGeneration: return false
        case .unknownMemberId:
            memberId = ""
            return false
        case let code where code.isRetriable: return true
        case let code: throw .broker(code, api: .heartbeat, context: configuration.groupId)
        }
    }

    /// Leaves the group (best effort) so the others rebalance at once instead of after the session timeout.
    package func leave() async {
        guard !memberId.isEmpty else { return }
        let request = LeaveGroupRequest(
            groupId: configuration.groupId, memberId: memberId, members: [.init(memberId: memberId)])
        do throws(KafkaClientError) {
            let coordinator = try await transport.coordinator(for: configuration.groupId)
            _ = try await coordinator.send(request, timeout: configuration.requestTimeout)
        } catch {
            logger.debug("LeaveGroup failed", metadata: ["error": "\(error)"])
        }
        memberId = ""
        generation = nil
        assignment = []
    }

    /// Joins, reports each assignment to `onAssignment`, heartbeats and rejoins on rebalance until
    /// cancelled; then leaves the group. Run it as a child task next to the consumer's polling.
    package func run(
        onAssignment: @Sendable ([TopicPartition], GroupGeneration) async throws -> Void
    ) async throws {
        do {
            while !Task.isCancelled {
                let partitions = try await join()
                guard let generation else { continue }
                try await onAssignment(partitions, generation)
                while true {
                    try await Task.sleep(for: configuration.heartbeatInterval)
                    let stillMember: Bool
                    do throws(KafkaClientError) { stillMember = try await heartbeat() } catch {
                        guard error.isRetriable else { throw error }
                        continue
                    }
                    if !stillMember {
                        logger.info("rebalance", metadata: ["kafka.group": "\(configuration.groupId)"])
                        break
                    }
                }
            }
        } catch is CancellationError {
        } catch KafkaClientError.closed where Task.isCancelled {}
        await leave()
    }

    /// Commits offsets in this member's generation.
    package func commit(offsets: [TopicPartition: Int64]) async throws(KafkaClientError) {
        let generation = generation ?? .none
        var topics: [String: [OffsetCommitRequest.OffsetCommitRequestPartition]] = [:]
        for (partition, offset) in offsets.sorted(by: { $0.key < $1.key }) {
            topics[partition.topic, default: []].append(
                .init(partitionIndex: partition.partition, committedOffset: offset, committedLeaderEpoch: -1))
        }
        let coordinator = try await transport.coordinator(for: configuration.groupId)
        let response = try await coordinator.send(
            OffsetCommitRequest(
                groupId: configuration.groupId, generationIdOrMemberEpoch: generation.generationId,
                memberId: generation.memberId, retentionTimeMs: -1,
                topics: topics.sorted { $0.key < $1.key }.map { .init(name: $0.key, partitions: $0.value) }),
            timeout: configuration.requestTimeout)
        for topic in response.topics {
            for partition in topic.partitions where partition.errorCode != 0 {
                throw .broker(
                    ErrorCode(rawValue: partition.errorCode), api: .offsetCommit,
                    context: "\(topic.name)-\(partition.partitionIndex)")
            }
        }
    }

    private func pause() async throws(KafkaClientError) {
        do { try await Task.sleep(for: configuration.retryBackoff) } catch { throw .closed }
    }
}

extension Task where Success == Never, Failure == Never {
    /// Throws `error` when the current task is cancelled.
    static func checkCancellation(orThrow error: KafkaClientError) throws(KafkaClientError) {
        if Task.isCancelled { throw error }
    }
}
