import Broker
import Kafka
import NIOCore
import Testing

@Suite("Group coordinator: static membership (KIP-345)")
struct StaticMembershipTests {
    typealias Harness = GroupTestHarness

    /// Two static members, "pod-0" and "pod-1", joined (no MEMBER_ID_REQUIRED for static members) and synced.
    static func formStaticGroup(_ harness: Harness) async throws -> StableGroup {
        let joins = ["pod-0", "pod-1"].map { ($0, Harness.joinRequest(client: $0, instance: $0)) }
        let responses = try await harness.joinTogether(joins) {
            await harness.advance(by: .seconds(3))
            await harness.advance(by: .seconds(3))
        }
        #expect(responses.map(\.errorCode) == [0, 0])
        let ids = responses.map(\.memberId)
        #expect(ids[0].hasPrefix("pod-0-") && ids[1].hasPrefix("pod-1-"))
        #expect(responses[0].members.map(\.groupInstanceId) == ["pod-0", "pod-1"])
        _ = try await harness.syncAll(generation: 1, leader: responses[0].leader, members: ids) { "parts-\($0)" }
        return StableGroup(clients: ["pod-0", "pod-1"], memberIds: ids, generation: 1, leader: responses[0].leader)
    }

    @Test("a restarted static member takes its old place without a rebalance; the old id is fenced")
    func rejoinWithoutRebalance() async throws {
        let harness = try await Harness.make()
        let group = try await Self.formStaticGroup(harness)
        let (leader, follower) = (group.memberIds[0], group.memberIds[1])

        // pod-1 restarts: no member id, same instance id, same protocols.
        let rejoin = await harness.coordinator.joinGroup(
            Harness.joinRequest(client: "pod-1", instance: "pod-1"), version: 5, client: Harness.client("pod-1"))
        #expect(rejoin.errorCode == 0)
        #expect(rejoin.memberId != follower && rejoin.memberId.hasPrefix("pod-1-"))
        #expect(rejoin.generationId == 1)
        #expect(rejoin.leader == leader)
        #expect(rejoin.protocolName == "range")
        #expect(await harness.describe()?.groupState == "Stable")
        #expect(await harness.heartbeat(leader, generation: 1) == .none)
        #expect(await harness.heartbeat(follower, generation: 1, instance: "pod-1") == .fencedInstanceId)

        let sync = await harness.coordinator.syncGroup(
            SyncGroupRequest(
                groupId: Harness.groupId, generationId: 1, memberId: rejoin.memberId, groupInstanceId: "pod-1"))
        #expect(String(buffer: sync.assignment) == "parts-\(follower)")
        #expect(await harness.heartbeat(rejoin.memberId, generation: 1, instance: "pod-1") == .none)
    }

    @Test("a restarted leader is not told to assign again")
    func leaderRejoin() async throws {
        let harness = try await Harness.make()
        let group = try await Self.formStaticGroup(harness)
        let rejoin = await harness.coordinator.joinGroup(
            Harness.joinRequest(client: "pod-0", instance: "pod-0"), version: 5, client: Harness.client("pod-0"))
        #expect(rejoin.errorCode == 0)
        // The old leader id comes back, so the new incarnation does not think it leads this generation.
        #expect(rejoin.leader == group.memberIds[0])
        #expect(rejoin.memberId != group.memberIds[0])
        #expect(rejoin.members.isEmpty)
        #expect(await harness.heartbeat(group.memberIds[1], generation: 1) == .none)
    }

    @Test("a static member rejoining with other protocols triggers a rebalance")
    func changedProtocolsRebalance() async throws {
        let harness = try await Harness.make()
        let group = try await Self.formStaticGroup(harness)
        let changed = try await withThrowingTaskGroup(of: JoinGroupResponse.self) { tasks in
            tasks.addTask {
                await harness.coordinator.joinGroup(
                    Harness.joinRequest(client: "pod-1", protocols: ["range"], instance: "pod-1"), version: 5,
                    client: Harness.client("pod-1"))
            }
            try await harness.waitForParkedJoins(1)
            #expect(await harness.heartbeat(group.memberIds[0], generation: 1) == .rebalanceInProgress)
            let leader = await harness.coordinator.joinGroup(
                Harness.joinRequest(member: group.memberIds[0], client: "pod-0", instance: "pod-0"), version: 5,
                client: Harness.client("pod-0"))
            #expect(leader.generationId == 2)
            #expect(leader.members.count == 2)
            return try #require(try await tasks.next())
        }
        #expect(changed.generationId == 2)
        #expect(changed.errorCode == 0)
    }

    @Test("LeaveGroup v3 by group.instance.id removes the static member")
    func leaveByInstanceId() async throws {
        let harness = try await Harness.make()
        let group = try await Self.formStaticGroup(harness)
        let response = await harness.coordinator.leaveGroup(
            LeaveGroupRequest(groupId: Harness.groupId, members: [.init(memberId: "", groupInstanceId: "pod-1")]),
            version: 3)
        #expect(response.members.map(\.errorCode) == [0])
        #expect(await harness.describe()?.members.map(\.memberId) == [group.memberIds[0]])
        // A stale incarnation naming another member id for a known instance is fenced.
        let fenced = await harness.coordinator.leaveGroup(
            LeaveGroupRequest(groupId: Harness.groupId, members: [.init(memberId: "old", groupInstanceId: "pod-0")]),
            version: 3)
        #expect(fenced.members.map(\.errorCode) == [ErrorCode.fencedInstanceId.rawValue])
    }
}
