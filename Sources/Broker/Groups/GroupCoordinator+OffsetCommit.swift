import Kafka

/// OffsetCommit (versions 2–7): validated against the group's generation as Kafka does, then written to the
/// offsets log before the answer.
extension GroupCoordinator {
    /// Handles an OffsetCommit request. Accepted: members of the current generation while the group is
    /// Stable or PreparingRebalance, and "standalone" commits (generation < 0) to a group without members.
    /// The offsets are visible to OffsetFetch at once and acknowledged once the log append is durable.
    ///
    /// Topic existence is not checked here: the API layer answers UNKNOWN_TOPIC_OR_PARTITION for partitions
    /// the broker does not have and passes only the others.
    package func commitOffsets(_ request: OffsetCommitRequest) async -> OffsetCommitResponse {
        let now = clock.unixTimeMs
        if let error = commitError(request) {
            return Self.response(to: request) { _, _ in error }
        }
        var records: [OffsetsLogRecord] = []
        var errors: [OffsetKey: ErrorCode] = [:]
        for topic in request.topics {
            for partition in topic.partitions {
                let key = OffsetKey(groupId: request.groupId, topic: topic.name, partition: partition.partitionIndex)
                let metadata = partition.committedMetadata ?? ""
                guard
                    metadata.utf8.count <= min(configuration.maxOffsetMetadataBytes, OffsetsLogRecord.maxMetadataBytes)
                else {
                    errors[key] = .offsetMetadataTooLarge
                    continue
                }
                let committed = CommittedOffset(
                    offset: partition.committedOffset, leaderEpoch: partition.committedLeaderEpoch, metadata: metadata,
                    commitTimestampMs: now)
                // Applied now, in request order, and appended in the same order by the store's single thread.
                offsets[request.groupId, default: [:]][key] = committed
                records.append(.commit(key, committed))
            }
        }
        do {
            try await store.append(records)
        } catch {
            logger.error(
                "cannot persist committed offsets",
                metadata: ["group.id": "\(request.groupId)", "error": "\(error)"])
            return Self.response(to: request) { topic, partition in
                let key = OffsetKey(groupId: request.groupId, topic: topic, partition: partition)
                return errors[key] ?? .coordinatorNotAvailable
            }
        }
        return Self.response(to: request) { topic, partition in
            errors[OffsetKey(groupId: request.groupId, topic: topic, partition: partition)] ?? .none
        }
    }

    /// The error for the whole request, or `nil` when it may commit (Kafka's `handleCommitOffsets` checks).
    private func commitError(_ request: OffsetCommitRequest) -> ErrorCode? {
        guard !isShutDown else { return .coordinatorNotAvailable }
        let generation = request.generationIdOrMemberEpoch
        let group: ConsumerGroup
        if let existing = groups[request.groupId] {
            group = existing
        } else {
            // A group that does not manage membership through this coordinator may commit; a stale
            // generation of a group that no longer exists may not.
            guard generation < 0 else { return .illegalGeneration }
            group = ConsumerGroup(groupId: request.groupId)
            groups[request.groupId] = group
        }
        guard group.state != .dead else { return .coordinatorNotAvailable }
        if group.isStaticMemberFenced(memberId: request.memberId, groupInstanceId: request.groupInstanceId) {
            return .fencedInstanceId
        }
        if generation < 0, group.state == .empty { return nil }
        guard let member = group.member(request.memberId) else { return .unknownMemberId }
        guard generation == group.generationId else { return .illegalGeneration }
        switch group.state {
        case .stable, .preparingRebalance:
            member.lastHeartbeat = clock.now
            return nil
        case .completingRebalance:
            return .rebalanceInProgress
        case .empty, .dead:
            return .unknownMemberId
        }
    }

    private static func response(
        to request: OffsetCommitRequest, error: (String, Int32) -> ErrorCode
    ) -> OffsetCommitResponse {
        OffsetCommitResponse(
            topics: request.topics.map { topic in
                .init(
                    name: topic.name,
                    partitions: topic.partitions.map {
                        .init(
                            partitionIndex: $0.partitionIndex, errorCode: error(topic.name, $0.partitionIndex).rawValue)
                    })
            })
    }

    /// Drops the offsets of groups without members once `offsetsRetention` has passed since their commit and
    /// since the group lost its last member (Kafka's KIP-211 rule), and logs the deletions.
    func expireOffsets() async {
        guard let retention = configuration.offsetsRetention else { return }
        let (seconds, attoseconds) = retention.components
        let retentionMs = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        let now = clock.unixTimeMs
        var records: [OffsetsLogRecord] = []
        for (groupId, committed) in offsets {
            guard let group = groups[groupId], group.state == .empty else { continue }
            let emptySince = group.emptySinceMs ?? .min
            for (key, offset) in committed where max(offset.commitTimestampMs, emptySince) + retentionMs <= now {
                offsets[groupId]?.removeValue(forKey: key)
                records.append(.deletePartition(key))
            }
        }
        guard !records.isEmpty else { return }
        logger.info("expired committed offsets", metadata: ["offsets.expired": "\(records.count)"])
        do {
            try await store.append(records)
        } catch {
            logger.error("cannot persist expired offsets", metadata: ["error": "\(error)"])
        }
    }
}
