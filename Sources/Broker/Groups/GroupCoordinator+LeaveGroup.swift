import Kafka

/// LeaveGroup (versions 0–3; v3 leaves a batch of members, by member id or `group.instance.id`).
extension GroupCoordinator {
    /// Handles a LeaveGroup request sent in `version`. Before v3 the one member's error is the top-level
    /// error; from v3 each member has its own and the top level is NONE unless the whole request failed.
    package func leaveGroup(_ request: LeaveGroupRequest, version: Int16) -> LeaveGroupResponse {
        let identities =
            version >= 3 ? request.members : [LeaveGroupRequest.MemberIdentity(memberId: request.memberId)]
        func respond(_ error: ErrorCode, _ members: [LeaveGroupResponse.MemberResponse]) -> LeaveGroupResponse {
            let topLevel = version >= 3 || error != .none ? error : ErrorCode(rawValue: members.first?.errorCode ?? 0)
            return LeaveGroupResponse(errorCode: topLevel.rawValue, members: members)
        }
        func each(_ error: ErrorCode) -> [LeaveGroupResponse.MemberResponse] {
            identities.map {
                .init(memberId: $0.memberId, groupInstanceId: $0.groupInstanceId, errorCode: error.rawValue)
            }
        }
        guard !isShutDown else { return respond(.coordinatorNotAvailable, []) }
        guard !request.groupId.isEmpty else { return respond(.invalidGroupId, []) }
        guard let group = groups[request.groupId] else { return respond(.none, each(.unknownMemberId)) }
        guard group.state != .dead else { return respond(.coordinatorNotAvailable, []) }
        let results = identities.map { identity in
            LeaveGroupResponse.MemberResponse(
                memberId: identity.memberId, groupInstanceId: identity.groupInstanceId,
                errorCode: leave(identity, group: group).rawValue)
        }
        return respond(.none, results)
    }

    private func leave(_ identity: LeaveGroupRequest.MemberIdentity, group: ConsumerGroup) -> ErrorCode {
        let memberId = identity.memberId
        if !memberId.isEmpty,
            group.isStaticMemberFenced(memberId: memberId, groupInstanceId: identity.groupInstanceId)
        {
            return .fencedInstanceId
        }
        if group.pendingMembers.removeValue(forKey: memberId) != nil {
            tryCompleteJoin(group)
            return .none
        }
        let resolved = group.staticMemberId(for: identity.groupInstanceId) ?? memberId
        guard let member = group.member(resolved) else { return .unknownMemberId }
        logger.info(
            "member left the group",
            metadata: [
                "group.id": "\(group.groupId)", "member.id": "\(member.memberId)",
                "group.instance.id": "\(member.groupInstanceId ?? "")",
            ])
        removeMember(member, from: group, reason: "LeaveGroup")
        return .none
    }
}
