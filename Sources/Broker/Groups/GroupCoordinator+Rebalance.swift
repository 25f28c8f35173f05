import Kafka
import NIOCore

/// The rebalance state machine shared by the request handlers and the timer: Empty/Stable/CompletingRebalance
/// → PreparingRebalance → CompletingRebalance → Stable, with members removed along the way.
extension GroupCoordinator {
    /// Starts a rebalance unless one is already gathering members.
    func maybePrepareRebalance(_ group: ConsumerGroup, reason: String) {
        switch group.state {
        case .empty, .stable, .completingRebalance:
            prepareRebalance(group, reason: reason)
        case .preparingRebalance, .dead:
            break
        }
    }

    /// Enters PreparingRebalance. Members waiting for assignments are told REBALANCE_IN_PROGRESS; the join
    /// phase lasts until every member has rejoined or the longest rebalance timeout passes. An empty group's
    /// first join phase instead waits `initialRebalanceDelay`, extended while new members keep arriving.
    func prepareRebalance(_ group: ConsumerGroup, reason: String) {
        if group.state == .completingRebalance {
            resetAssignments(of: group, error: .rebalanceInProgress)
        }
        let now = clock.now
        let timeout = group.rebalanceTimeout
        if group.state == .empty, configuration.initialRebalanceDelay > .zero {
            let delay = min(configuration.initialRebalanceDelay, timeout)
            group.joinDeadline = now + delay
            group.initialJoinRemaining = max(timeout - delay, .zero)
        } else {
            group.joinDeadline = now + timeout
            group.initialJoinRemaining = nil
        }
        group.newMemberAdded = false
        group.state = .preparingRebalance
        logger.info(
            "preparing to rebalance group",
            metadata: [
                "group.id": "\(group.groupId)", "group.generation": "\(group.generationId)",
                "group.reason": "\(reason)", "group.members": "\(group.members.count)",
            ])
        tryCompleteJoin(group)
    }

    /// Ends the join phase early when every member has rejoined (never during an initial delay).
    func tryCompleteJoin(_ group: ConsumerGroup) {
        guard group.state == .preparingRebalance, group.initialJoinRemaining == nil, group.hasAllMembersJoined
        else { return }
        completeJoin(group)
    }

    /// The join deadline passed: extend an initial delay that saw new members, otherwise complete the join.
    func joinDeadlineReached(_ group: ConsumerGroup) {
        if let remaining = group.initialJoinRemaining, group.newMemberAdded, remaining > .zero {
            let delay = min(configuration.initialRebalanceDelay, remaining)
            group.newMemberAdded = false
            group.joinDeadline = clock.now + delay
            group.initialJoinRemaining = remaining - delay
            return
        }
        completeJoin(group)
    }

    /// Closes the join phase: drops dynamic members that did not rejoin, starts the next generation with the
    /// protocol the members agree on, and answers every parked JoinGroup (the leader gets all members with
    /// their metadata for that protocol).
    func completeJoin(_ group: ConsumerGroup) {
        for member in group.orderedMembers where !member.isAwaitingJoin && !member.isStatic {
            logger.info(
                "member did not rejoin in time; removing it",
                metadata: ["group.id": "\(group.groupId)", "member.id": "\(member.memberId)"])
            member.completeSync(SyncGroupResponse(errorCode: ErrorCode.unknownMemberId.rawValue))
            group.remove(member.memberId)
        }
        if let leader = group.leaderId, group.member(leader)?.isAwaitingJoin != true,
            let joined = group.orderedMembers.first(where: \.isAwaitingJoin)
        {
            group.leaderId = joined.memberId
        }
        group.generationId &+= 1
        group.joinDeadline = nil
        group.initialJoinRemaining = nil
        group.newMemberAdded = false
        guard !group.isEmpty else {
            group.protocolName = nil
            group.leaderId = nil
            group.state = .empty
            group.emptySinceMs = clock.unixTimeMs
            logger.info(
                "group is empty",
                metadata: ["group.id": "\(group.groupId)", "group.generation": "\(group.generationId)"])
            return
        }
        group.protocolName = group.selectProtocol()
        group.state = .completingRebalance
        let now = clock.now
        let members = group.orderedMembers
        let described = members.map {
            JoinGroupResponse.JoinGroupResponseMember(
                memberId: $0.memberId, groupInstanceId: $0.groupInstanceId,
                metadata: $0.metadata(for: group.protocolName))
        }
        logger.info(
            "group completed its join phase",
            metadata: [
                "group.id": "\(group.groupId)", "group.generation": "\(group.generationId)",
                "group.protocol": "\(group.protocolName ?? "")", "group.leader": "\(group.leaderId ?? "")",
                "group.members": "\(members.count)",
            ])
        for member in members where member.isAwaitingJoin {
            member.lastHeartbeat = now
            member.completeJoin(
                JoinGroupResponse(
                    generationId: group.generationId, protocolName: group.protocolName ?? "",
                    leader: group.leaderId ?? "", memberId: member.memberId,
                    members: group.isLeader(member.memberId) ? described : []))
        }
    }

    /// Clears every assignment and answers parked SyncGroup requests with `error`.
    func resetAssignments(of group: ConsumerGroup, error: ErrorCode) {
        let now = clock.now
        for member in group.members.values {
            member.assignment = ByteBuffer()
            if member.syncWaiter != nil {
                member.lastHeartbeat = now
                member.completeSync(SyncGroupResponse(errorCode: error.rawValue))
            }
        }
    }

    /// Removes a member that left, was expelled or was fenced, answering its parked requests with
    /// UNKNOWN_MEMBER_ID, and moves the group on: a stable group rebalances, a join phase may now be complete.
    func removeMember(_ member: GroupMember, from group: ConsumerGroup, reason: String) {
        member.completeJoin(
            JoinGroupResponse(errorCode: ErrorCode.unknownMemberId.rawValue, memberId: member.memberId))
        member.completeSync(SyncGroupResponse(errorCode: ErrorCode.unknownMemberId.rawValue))
        group.remove(member.memberId)
        switch group.state {
        case .stable, .completingRebalance:
            maybePrepareRebalance(group, reason: "\(reason) (member \(member.memberId))")
        case .preparingRebalance:
            tryCompleteJoin(group)
        case .empty, .dead:
            break
        }
    }
}
