import Kafka
import NIOCore

/// DescribeGroups (0–4), ListGroups (0–5), DeleteGroups (0–1) and OffsetDelete (0).
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
        // v4 filters by state (KIP-518), v5 by type (KIP-848): every Souk group is a classic one. Kafka
        // matches the type case-insensitively and the state exactly.
        let states = Set(request.statesFilter)
        let types = Set(request.typesFilter.map { $0.lowercased() })
        return ListGroupsResponse(
            groups: groups.values.filter { group in
                group.state != .dead && (states.isEmpty || states.contains(group.state.rawValue))
                    && (types.isEmpty || types.contains("classic"))
            }.sorted { $0.groupId < $1.groupId }.map {
                .init(
                    groupId: $0.groupId, protocolType: $0.protocolType ?? "", groupState: $0.state.rawValue,
                    groupType: "classic")
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

    /// Handles an OffsetDelete request (KIP-496), as Kafka does: an unknown group is GROUP_ID_NOT_FOUND; an
    /// empty group loses the committed offsets of every partition named; a consumer group with members
    /// keeps those of the topics its members subscribe to (GROUP_SUBSCRIBED_TO_TOPIC) and loses the rest;
    /// another kind of group with members is NON_EMPTY_GROUP. Answers once the deletion is durable.
    package func deleteOffsets(_ request: OffsetDeleteRequest) async -> OffsetDeleteResponse {
        guard !isShutDown else { return OffsetDeleteResponse(errorCode: ErrorCode.coordinatorNotAvailable.rawValue) }
        expireSessions(at: clock.now)
        let groupId = request.groupId
        guard let group = groups[groupId], group.state != .dead else {
            return OffsetDeleteResponse(errorCode: ErrorCode.groupIdNotFound.rawValue)
        }
        var subscribed = Set<String>()
        if group.state != .empty {
            guard group.protocolType == "consumer" else {
                return OffsetDeleteResponse(errorCode: ErrorCode.nonEmptyGroup.rawValue)
            }
            for member in group.orderedMembers {
                subscribed.formUnion(Self.subscribedTopics(member.metadata(for: group.protocolName)))
            }
        }
        var records: [OffsetsLogRecord] = []
        var topics: [OffsetDeleteResponse.OffsetDeleteResponseTopic] = []
        for topic in request.topics {
            let refused = subscribed.contains(topic.name)
            topics.append(
                .init(
                    name: topic.name,
                    partitions: topic.partitions.map { partition in
                        if !refused {
                            let key = OffsetKey(
                                groupId: groupId, topic: topic.name, partition: partition.partitionIndex)
                            if offsets[groupId]?.removeValue(forKey: key) != nil {
                                records.append(.deletePartition(key))
                            }
                        }
                        return .init(
                            partitionIndex: partition.partitionIndex,
                            errorCode: refused ? ErrorCode.groupSubscribedToTopic.rawValue : 0)
                    }))
        }
        do {
            if !records.isEmpty { try await store.append(records) }
        } catch {
            logger.error("cannot persist deleted offsets", metadata: ["error": "\(error)"])
            return OffsetDeleteResponse(errorCode: ErrorCode.coordinatorNotAvailable.rawValue)
        }
        if !records.isEmpty {
            logger.info(
                "deleted committed offsets", metadata: ["group.id": "\(groupId)", "offsets": "\(records.count)"])
        }
        return OffsetDeleteResponse(topics: topics)
    }

    /// The topics of a consumer protocol subscription (version, then an array of topic names; what follows
    /// is not needed); none when it does not parse.
    static func subscribedTopics(_ metadata: ByteBuffer) -> [String] {
        var buffer = metadata
        guard buffer.readInteger(as: Int16.self) != nil, let count = buffer.readInteger(as: Int32.self),
            count >= 0, Int(count) <= buffer.readableBytes / 2
        else { return [] }
        var topics: [String] = []
        for _ in 0..<count {
            guard let length = buffer.readInteger(as: Int16.self), length >= 0,
                let name = buffer.readString(length: Int(length))
            else { return topics }
            topics.append(name)
        }
        return topics
    }
}
