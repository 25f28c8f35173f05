import Broker
import Kafka
import NIOCore
import Testing

@Suite("Group coordinator: describe, list, delete")
struct GroupAdministrationTests {
    typealias Harness = GroupTestHarness

    @Test("DescribeGroups shows a stable group's members with metadata and assignments; an unknown group is Dead")
    func describe() async throws {
        let harness = try await Harness.make()
        let group = try await harness.formStableGroup(["a", "b"])
        let response = await harness.coordinator.describeGroups(
            DescribeGroupsRequest(groups: [Harness.groupId, "missing"], includeAuthorizedOperations: true))
        let stable = try #require(response.groups.first)
        #expect(stable.errorCode == 0)
        #expect(stable.groupState == "Stable")
        #expect(stable.protocolType == "consumer")
        #expect(stable.protocolData == "range")
        #expect(stable.members.map(\.memberId) == group.memberIds)
        #expect(stable.members.map(\.clientId) == ["a", "b"])
        #expect(stable.members.map(\.clientHost) == ["/127.0.0.1", "/127.0.0.1"])
        #expect(stable.members.map { String(buffer: $0.memberMetadata) } == ["a:range", "b:range"])
        #expect(stable.members.map { String(buffer: $0.memberAssignment) } == ["parts-of-a", "parts-of-b"])
        #expect(stable.authorizedOperations == (1 << 3) | (1 << 6) | (1 << 8))
        let missing = response.groups[1]
        #expect(missing.groupId == "missing")
        #expect(missing.groupState == "Dead")
        #expect(missing.errorCode == 0)
        #expect(missing.members.isEmpty)

        // During a rebalance the members are listed without metadata or assignment.
        _ = await harness.coordinator.leaveGroup(
            LeaveGroupRequest(groupId: Harness.groupId, members: [.init(memberId: group.memberIds[1])]), version: 3)
        let preparing = try #require(await harness.describe())
        #expect(preparing.groupState == "PreparingRebalance")
        #expect(preparing.protocolData == "")
        #expect(preparing.members.map(\.memberId) == [group.memberIds[0]])
        #expect(preparing.members.map(\.memberAssignment.readableBytes) == [0])
        #expect(preparing.authorizedOperations == Int32.min)
    }

    @Test("ListGroups lists consumer groups and offset-only groups by id")
    func list() async throws {
        let harness = try await Harness.make()
        _ = try await harness.formStableGroup(["a"])
        _ = await harness.coordinator.commitOffsets(
            OffsetCommitRequest(
                groupId: "audit", generationIdOrMemberEpoch: -1, memberId: "",
                topics: [.init(name: "orders", partitions: [.init(partitionIndex: 0, committedOffset: 3)])]))
        let listed = await harness.coordinator.listGroups(ListGroupsRequest())
        #expect(listed.errorCode == 0)
        #expect(listed.groups.map(\.groupId) == ["audit", Harness.groupId])
        #expect(listed.groups.map(\.protocolType) == ["", "consumer"])
    }

    @Test("DeleteGroups refuses a group with members, deletes an empty one with its offsets, durably")
    func delete() async throws {
        var harness = try await Harness.make()
        let group = try await harness.formStableGroup(["a"])
        _ = await harness.coordinator.commitOffsets(
            OffsetCommitRequest(
                groupId: Harness.groupId, generationIdOrMemberEpoch: group.generation, memberId: group.memberIds[0],
                topics: [.init(name: "orders", partitions: [.init(partitionIndex: 0, committedOffset: 11)])]))
        _ = await harness.coordinator.commitOffsets(
            OffsetCommitRequest(
                groupId: "keep", generationIdOrMemberEpoch: -1, memberId: "",
                topics: [.init(name: "orders", partitions: [.init(partitionIndex: 0, committedOffset: 12)])]))

        let refused = await harness.coordinator.deleteGroups(
            DeleteGroupsRequest(groupsNames: [Harness.groupId, "nope"]))
        #expect(refused.results.map(\.groupId) == [Harness.groupId, "nope"])
        #expect(
            refused.results.map(\.errorCode) == [
                ErrorCode.nonEmptyGroup.rawValue, ErrorCode.groupIdNotFound.rawValue,
            ])

        let left = await harness.coordinator.leaveGroup(
            LeaveGroupRequest(groupId: Harness.groupId, members: [.init(memberId: group.memberIds[0])]), version: 3)
        #expect(left.members.map(\.errorCode) == [0])
        #expect(await harness.describe()?.groupState == "Empty")
        let deleted = await harness.coordinator.deleteGroups(DeleteGroupsRequest(groupsNames: [Harness.groupId]))
        #expect(deleted.results.map(\.errorCode) == [0])

        let fetched = await harness.coordinator.fetchOffsets(
            OffsetFetchRequest(groupId: Harness.groupId, topics: [.init(name: "orders", partitionIndexes: [0])]),
            version: 5)
        #expect(fetched.topics.first?.partitions.first?.committedOffset == -1)
        #expect(await harness.coordinator.listGroups(ListGroupsRequest()).groups.map(\.groupId) == ["keep"])
        #expect(await harness.describe()?.groupState == "Dead")

        try await harness.restart()
        #expect(await harness.coordinator.listGroups(ListGroupsRequest()).groups.map(\.groupId) == ["keep"])
        let keep = await harness.coordinator.fetchOffsets(OffsetFetchRequest(groupId: "keep", topics: nil), version: 5)
        #expect(keep.topics.first?.partitions.first?.committedOffset == 12)
    }

    @Test(
        "a session that ran out is over when DeleteGroups, DescribeGroups or ListGroups is answered, between timer ticks"
    )
    func sessionsEndAtTheirDeadline() async throws {
        let harness = try await Harness.make()
        _ = try await harness.formStableGroup(["a"])
        // The clock passes the member's deadline, and no timer pass has run since.
        harness.clock.advance(by: .milliseconds(Int64(Harness.sessionTimeoutMs) + 1))
        #expect(
            await harness.coordinator.describeGroups(DescribeGroupsRequest(groups: [Harness.groupId])).groups
                .first?.members.isEmpty == true)
        let deleted = await harness.coordinator.deleteGroups(DeleteGroupsRequest(groupsNames: [Harness.groupId]))
        #expect(deleted.results.map(\.errorCode) == [0])
    }
}
