import Kafka
import NIOCore

/// SyncGroup (versions 0–3): the leader hands in the assignments, every member gets its own.
extension GroupCoordinator {
    /// Handles a SyncGroup request; a request during CompletingRebalance is parked until the leader's
    /// assignments arrive (or the rebalance restarts).
    package func syncGroup(_ request: SyncGroupRequest) async -> SyncGroupResponse {
        await withCheckedContinuation { (waiter: GroupMember.SyncWaiter) in
            sync(request, waiter: waiter)
        }
    }

    private func sync(_ request: SyncGroupRequest, waiter: GroupMember.SyncWaiter) {
        func fail(_ error: ErrorCode) {
            waiter.resume(returning: SyncGroupResponse(errorCode: error.rawValue))
        }
        guard !isShutDown else { return fail(.coordinatorNotAvailable) }
        guard !request.groupId.isEmpty else { return fail(.invalidGroupId) }
        guard let group = groups[request.groupId] else { return fail(.unknownMemberId) }
        guard group.state != .dead else { return fail(.coordinatorNotAvailable) }
        if group.isStaticMemberFenced(memberId: request.memberId, groupInstanceId: request.groupInstanceId) {
            return fail(.fencedInstanceId)
        }
        guard let member = group.member(request.memberId) else { return fail(.unknownMemberId) }
        guard request.generationId == group.generationId else { return fail(.illegalGeneration) }

        switch group.state {
        case .empty, .dead:
            fail(.unknownMemberId)
        case .preparingRebalance:
            fail(.rebalanceInProgress)
        case .completingRebalance:
            member.completeSync(SyncGroupResponse(errorCode: ErrorCode.rebalanceInProgress.rawValue))
            member.syncWaiter = waiter
            member.lastHeartbeat = clock.now
            if group.isLeader(member.memberId) {
                distribute(request.assignments, in: group)
            }
        case .stable:
            member.lastHeartbeat = clock.now
            waiter.resume(returning: SyncGroupResponse(assignment: member.assignment))
        }
    }

    /// Stores the leader's assignments (members it left out get an empty one), answers every parked
    /// SyncGroup and makes the group Stable.
    private func distribute(_ assignments: [SyncGroupRequest.SyncGroupRequestAssignment], in group: ConsumerGroup) {
        var byMember: [String: ByteBuffer] = [:]
        for assignment in assignments { byMember[assignment.memberId] = assignment.assignment }
        for member in group.members.values {
            member.assignment = byMember[member.memberId] ?? ByteBuffer()
            member.completeSync(SyncGroupResponse(assignment: member.assignment))
        }
        group.state = .stable
        logger.info(
            "group is stable",
            metadata: [
                "group.id": "\(group.groupId)", "group.generation": "\(group.generationId)",
                "group.members": "\(group.members.count)",
            ])
    }
}
