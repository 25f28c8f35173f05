import Kafka
import NIOCore

/// JoinGroup (versions 0–5): new members, MEMBER_ID_REQUIRED (v4+, KIP-394), rejoins, static members (v5,
/// KIP-345). The request is parked until the join phase completes.
extension GroupCoordinator {
    /// Handles a JoinGroup request sent in `version` by `client`; returns when the group's join phase
    /// completes (or at once for an error, MEMBER_ID_REQUIRED, or a rejoin that needs no rebalance).
    package func joinGroup(
        _ request: JoinGroupRequest, version: Int16, client: GroupClientInfo
    ) async -> JoinGroupResponse {
        await withCheckedContinuation { (waiter: GroupMember.JoinWaiter) in
            join(request, version: version, client: client, waiter: waiter)
        }
    }

    private func join(
        _ request: JoinGroupRequest, version: Int16, client: GroupClientInfo, waiter: GroupMember.JoinWaiter
    ) {
        func fail(_ error: ErrorCode) {
            waiter.resume(returning: JoinGroupResponse(errorCode: error.rawValue, memberId: request.memberId))
        }
        guard !isShutDown else { return fail(.coordinatorNotAvailable) }
        guard !request.groupId.isEmpty else { return fail(.invalidGroupId) }
        let sessionTimeout = Duration.milliseconds(request.sessionTimeoutMs)
        guard sessionTimeout >= configuration.minSessionTimeout, sessionTimeout <= configuration.maxSessionTimeout
        else { return fail(.invalidSessionTimeout) }
        // JoinGroup v0 has no rebalance timeout; Kafka uses the session timeout.
        let rebalanceTimeout =
            request.rebalanceTimeoutMs > 0 ? Duration.milliseconds(request.rebalanceTimeoutMs) : sessionTimeout
        let joining = JoiningMember(
            request: request, client: client, sessionTimeout: sessionTimeout, rebalanceTimeout: rebalanceTimeout)

        let isUnknownMember = request.memberId.isEmpty
        let group: ConsumerGroup
        if let existing = groups[request.groupId] {
            group = existing
        } else {
            guard isUnknownMember else { return fail(.unknownMemberId) }
            guard !request.protocolType.isEmpty, !request.protocols.isEmpty else {
                return fail(.inconsistentGroupProtocol)
            }
            group = ConsumerGroup(groupId: request.groupId)
            groups[request.groupId] = group
        }
        if isUnknownMember {
            // Static members are known by their instance id, so only dynamic ones must fetch a member id first.
            let requireKnownMemberId = version >= 4 && request.groupInstanceId == nil
            joinUnknownMember(joining, group: group, requireKnownMemberId: requireKnownMemberId, waiter: waiter)
        } else {
            joinKnownMember(joining, group: group, waiter: waiter)
        }
        tryCompleteJoin(group)
    }

    private func joinUnknownMember(
        _ joining: JoiningMember, group: ConsumerGroup, requireKnownMemberId: Bool, waiter: GroupMember.JoinWaiter
    ) {
        let request = joining.request
        guard group.state != .dead else {
            return waiter.resume(returning: JoinGroupResponse(errorCode: ErrorCode.coordinatorNotAvailable.rawValue))
        }
        guard group.supportsProtocols(type: request.protocolType, names: request.protocols.map(\.name)) else {
            return waiter.resume(returning: JoinGroupResponse(errorCode: ErrorCode.inconsistentGroupProtocol.rawValue))
        }
        let memberId = makeMemberId(clientId: joining.client.clientId, groupInstanceId: request.groupInstanceId)
        if let oldMemberId = group.staticMemberId(for: request.groupInstanceId) {
            rejoinStaticMember(joining, group: group, oldMemberId: oldMemberId, newMemberId: memberId, waiter: waiter)
        } else if requireKnownMemberId {
            group.pendingMembers[memberId] = clock.now + joining.sessionTimeout
            logger.debug(
                "asking a new member to rejoin with its member id",
                metadata: ["group.id": "\(group.groupId)", "member.id": "\(memberId)"])
            waiter.resume(
                returning: JoinGroupResponse(errorCode: ErrorCode.memberIdRequired.rawValue, memberId: memberId))
        } else {
            addMemberAndRebalance(joining, memberId: memberId, group: group, waiter: waiter)
        }
    }

    private func joinKnownMember(_ joining: JoiningMember, group: ConsumerGroup, waiter: GroupMember.JoinWaiter) {
        let request = joining.request
        let memberId = request.memberId
        func fail(_ error: ErrorCode) {
            waiter.resume(returning: JoinGroupResponse(errorCode: error.rawValue, memberId: memberId))
        }
        guard group.state != .dead else { return fail(.coordinatorNotAvailable) }
        guard group.supportsProtocols(type: request.protocolType, names: request.protocols.map(\.name)) else {
            return fail(.inconsistentGroupProtocol)
        }
        if group.pendingMembers.removeValue(forKey: memberId) != nil {
            return addMemberAndRebalance(joining, memberId: memberId, group: group, waiter: waiter)
        }
        if group.isStaticMemberFenced(memberId: memberId, groupInstanceId: request.groupInstanceId) {
            return fail(.fencedInstanceId)
        }
        let instanceUnknown =
            request.groupInstanceId != nil && group.staticMemberId(for: request.groupInstanceId) == nil
        guard let member = group.member(memberId), !instanceUnknown else { return fail(.unknownMemberId) }

        switch group.state {
        case .preparingRebalance:
            updateMemberAndRebalance(member, with: joining, group: group, waiter: waiter)
        case .completingRebalance:
            if member.matches(request.protocols) {
                // The member missed the join response (or retried); repeat it for the current generation.
                waiter.resume(returning: currentGeneration(of: group, for: member, includeMembers: true))
            } else {
                updateMemberAndRebalance(member, with: joining, group: group, waiter: waiter)
            }
        case .stable:
            // A rejoining leader forces a rebalance: it may have seen metadata changes the others have not.
            if group.isLeader(memberId) || !member.matches(request.protocols) {
                updateMemberAndRebalance(member, with: joining, group: group, waiter: waiter)
            } else {
                member.lastHeartbeat = clock.now
                waiter.resume(returning: currentGeneration(of: group, for: member, includeMembers: false))
            }
        case .empty, .dead:
            fail(.unknownMemberId)
        }
    }

    /// A static member restarted and joined without its member id (KIP-345): it takes over its old member id's
    /// place. With unchanged protocols a stable group carries on without a rebalance.
    private func rejoinStaticMember(
        _ joining: JoiningMember, group: ConsumerGroup, oldMemberId: String, newMemberId: String,
        waiter: GroupMember.JoinWaiter
    ) {
        let previousLeader = group.leaderId
        guard let member = group.replaceStaticMember(oldMemberId, with: newMemberId) else {
            return waiter.resume(returning: JoinGroupResponse(errorCode: ErrorCode.unknownMemberId.rawValue))
        }
        // The old incarnation's parked requests are fenced.
        member.completeJoin(JoinGroupResponse(errorCode: ErrorCode.fencedInstanceId.rawValue, memberId: oldMemberId))
        member.completeSync(SyncGroupResponse(errorCode: ErrorCode.fencedInstanceId.rawValue))
        let protocolsChanged = !member.matches(joining.request.protocols)
        member.update(from: joining, now: clock.now)
        logger.info(
            "static member rejoined with a new member id",
            metadata: [
                "group.id": "\(group.groupId)", "group.instance.id": "\(member.groupInstanceId ?? "")",
                "member.id": "\(newMemberId)", "member.previous_id": "\(oldMemberId)",
            ])
        switch group.state {
        case .stable where !protocolsChanged:
            // Return the previous leader id: if this member was the leader it must not think it should
            // assign again, since a stable group would not pass a new assignment on.
            waiter.resume(
                returning: JoinGroupResponse(
                    generationId: group.generationId, protocolName: group.protocolName ?? "",
                    leader: previousLeader ?? "", memberId: newMemberId, members: []))
        case .preparingRebalance:
            member.joinWaiter = waiter
        case .stable, .completingRebalance, .empty, .dead:
            member.joinWaiter = waiter
            maybePrepareRebalance(group, reason: "static member \(member.groupInstanceId ?? "") rejoined")
        }
    }

    private func addMemberAndRebalance(
        _ joining: JoiningMember, memberId: String, group: ConsumerGroup, waiter: GroupMember.JoinWaiter
    ) {
        let request = joining.request
        let member = GroupMember(
            memberId: memberId, groupInstanceId: request.groupInstanceId, client: joining.client,
            rebalanceTimeout: joining.rebalanceTimeout, sessionTimeout: joining.sessionTimeout,
            protocolType: request.protocolType, protocols: request.protocols, now: clock.now,
            joinOrder: group.takeJoinOrder())
        member.joinWaiter = waiter
        // A member arriving during the initial delay of a new group extends the delay once more.
        if group.state == .preparingRebalance, group.generationId == 0 { group.newMemberAdded = true }
        group.add(member)
        logger.info(
            "member joined",
            metadata: [
                "group.id": "\(group.groupId)", "member.id": "\(memberId)",
                "client.id": "\(joining.client.clientId)", "group.state": "\(group.state.rawValue)",
            ])
        maybePrepareRebalance(group, reason: "member \(memberId) joined")
    }

    private func updateMemberAndRebalance(
        _ member: GroupMember, with joining: JoiningMember, group: ConsumerGroup, waiter: GroupMember.JoinWaiter
    ) {
        // A second JoinGroup from the same member supersedes the first.
        member.completeJoin(
            JoinGroupResponse(errorCode: ErrorCode.rebalanceInProgress.rawValue, memberId: member.memberId))
        member.update(from: joining, now: clock.now)
        member.joinWaiter = waiter
        maybePrepareRebalance(group, reason: "member \(member.memberId) rejoined")
    }

    /// The current generation as a join response; the leader also gets the members when `includeMembers`.
    private func currentGeneration(
        of group: ConsumerGroup, for member: GroupMember, includeMembers: Bool
    ) -> JoinGroupResponse {
        let members =
            includeMembers && group.isLeader(member.memberId)
            ? group.orderedMembers.map {
                JoinGroupResponse.JoinGroupResponseMember(
                    memberId: $0.memberId, groupInstanceId: $0.groupInstanceId,
                    metadata: $0.metadata(for: group.protocolName))
            } : []
        return JoinGroupResponse(
            generationId: group.generationId, protocolName: group.protocolName ?? "", leader: group.leaderId ?? "",
            memberId: member.memberId, members: members)
    }
}

/// A validated JoinGroup request with its timeouts and sender.
struct JoiningMember {
    var request: JoinGroupRequest
    var client: GroupClientInfo
    var sessionTimeout: Duration
    var rebalanceTimeout: Duration
}

extension GroupMember {
    /// Takes the protocols, timeouts and client of a rejoin.
    func update(from joining: JoiningMember, now: Duration) {
        protocols = joining.request.protocols
        protocolType = joining.request.protocolType
        sessionTimeout = joining.sessionTimeout
        rebalanceTimeout = joining.rebalanceTimeout
        client = joining.client
        lastHeartbeat = now
    }
}
