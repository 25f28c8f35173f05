import Kafka

/// Heartbeat (versions 0–3): keeps a member's session alive and tells it when to rejoin.
extension GroupCoordinator {
    /// Handles a Heartbeat request: NONE when stable or waiting for assignments, REBALANCE_IN_PROGRESS while
    /// members are rejoining, or the error that makes the client rejoin or look for the coordinator.
    package func heartbeat(_ request: HeartbeatRequest) -> HeartbeatResponse {
        HeartbeatResponse(errorCode: heartbeatError(request).rawValue)
    }

    private func heartbeatError(_ request: HeartbeatRequest) -> ErrorCode {
        guard !isShutDown else { return .coordinatorNotAvailable }
        guard !request.groupId.isEmpty else { return .invalidGroupId }
        guard let group = groups[request.groupId] else { return .unknownMemberId }
        guard group.state != .dead else { return .coordinatorNotAvailable }
        if group.isStaticMemberFenced(memberId: request.memberId, groupInstanceId: request.groupInstanceId) {
            return .fencedInstanceId
        }
        guard let member = group.member(request.memberId) else { return .unknownMemberId }
        guard request.generationId == group.generationId else { return .illegalGeneration }
        switch group.state {
        case .empty, .dead:
            return .unknownMemberId
        case .completingRebalance:
            // Clients may heartbeat between their join and sync responses; that is a normal heartbeat.
            member.lastHeartbeat = clock.now
            return .none
        case .preparingRebalance:
            member.lastHeartbeat = clock.now
            return .rebalanceInProgress
        case .stable:
            member.lastHeartbeat = clock.now
            return .none
        }
    }
}
