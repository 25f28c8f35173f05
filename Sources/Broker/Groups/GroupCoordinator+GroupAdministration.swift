import Kafka

/// DescribeGroups (0–4), ListGroups (0–2) and DeleteGroups (0–1).
extension GroupCoordinator {
    /// Kafka's bit set of the group operations a principal may perform, for
    /// `includeAuthorizedOperations`: READ (3), DELETE (6) and DESCRIBE (8). Souk has no authorisation, so
    /// every client may do all three.
    static let authorizedGroupOperations: Int32 = (1 << 3) | (1 << 6) | (1 << 8)

    /// Handles a DescribeGroups request. An unknown group is described as Dead with no error, as Kafka does
    /// before v6. Member metadata and assignments are shown only for a Stable group.
    package func describeGroups(_ request: DescribeGroupsRequest) -> DescribeGroupsResponse {
        if !isShutDown { expireSessions(at: clock.now) }
        let operations = request.includeAuthorizedOperations ? Self.authorizedGroupOperations : Int32.min
        return DescribeGroupsResponse(
            groups: request.groups.map { groupId in
                guard !isShutDown else {
                    return .init(
                        errorCode: ErrorCode.coordinatorNotAvailable.rawValue, groupId: groupId, groupState: "",
                        protocolType: "", protocolData: "", members: [], authorizedOperations: operations)
                }
                guard let group = groups[groupId] else {
                    return .init(
                        errorCode: 0, groupId: groupId, groupState: GroupState.dead.rawValue, protocolType: "",
                        protocolData: "", members: [], authorizedOperations: operations)
                }
                let stable = group.state == .stable
                return .init(
                    errorCode: 0, groupId: groupId, groupState: group.state.rawValue,
                    protocolType: group.protocolType ?? "", protocolData: stable ? group.protocolName ?? "" : "",
                    members: group.orderedMembers.map { member in
                        .init(
                            memberId: member.memberId, groupInstanceId: member.groupInstanceId,
                            clientId: member.client.clientId, clientHost: member.client.clientHost,
                            memberMetadata: stable ? member.metadata(for: group.protocolName) : .init(),
                            memberAssignment: stable ? member.assignment : .init())
                    },
                    authorizedOperations: operations)
            })
    }

    /// Handles a ListGroups request: every group this coordinator knows, by group id, including groups that
    /// only hold committed offsets (protocol type "").
    package func listGroups(_ request: ListGroupsRequest) -> ListGroupsResponse {
        guard !isShutDown else { return ListGroupsResponse(errorCode: ErrorCode.coordinatorNotAvailable.rawValue) }
        expireSessions(at: clock.now)
        return ListGroupsResponse(
            groups: groups.values.filter { $0.state != .dead }.sorted { $0.groupId < $1.groupId }.map {
                .init(groupId: $0.groupId, protocolType: $0.protocolType ?? "")
            })
    }

    /// Handles a DeleteGroups request: each group without members is deleted with its committed offsets
    /// (GROUP_ID_NOT_FOUND if unknown, NON_EMPTY_GROUP if it has members). Answers once the deletion is durable.
    package func deleteGroups(_ request: DeleteGroupsRequest) async -> DeleteGroupsResponse {
        if !isShutDown { expireSessions(at: clock.now) }
        var results: [(groupId: String, error: ErrorCode)] = []
        var records: [OffsetsLogRecord] = []
        for groupId in request.groupsNames {
            guard !isShutDown else {
                results.append((groupId, .coordinatorNotAvailable))
                continue
            }
            guard let group = groups[groupId], group.state != .dead else {
                results.append((groupId, .groupIdNotFound))
                continue
            }
            guard group.state == .empty else {
                results.append((groupId, .nonEmptyGroup))
                continue
            }
            group.state = .dead
            groups.removeValue(forKey: groupId)
            let removed = offsets.removeValue(forKey: groupId)?.count ?? 0
            records.append(.deleteGroup(groupId))
            results.append((groupId, .none))
            logger.info("group deleted", metadata: ["group.id": "\(groupId)", "offsets.removed": "\(removed)"])
        }
        do {
            try await store.append(records)
        } catch {
            logger.error("cannot persist group deletion", metadata: ["error": "\(error)"])
            results = results.map { ($0.groupId, $0.error == .none ? .coordinatorNotAvailable : $0.error) }
        }
        return DeleteGroupsResponse(results: results.map { .init(groupId: $0.groupId, errorCode: $0.error.rawValue) })
    }
}
