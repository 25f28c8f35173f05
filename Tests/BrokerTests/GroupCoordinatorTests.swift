import Broker
import Kafka
import NIOCore
import Testing

@Suite("Group coordinator: join, sync, heartbeat, leave")
struct GroupCoordinatorTests {
    typealias Harness = GroupTestHarness

    @Test("three members: MEMBER_ID_REQUIRED, one join phase after the extended initial delay, leader sees all")
    func threeMembersJoin() async throws {
        let harness = try await Harness.make()
        let clients = ["consumer-a", "consumer-b", "consumer-c"]
        var ids: [String] = []
        for client in clients {
            let response = await harness.memberId(for: client)
            #expect(response.errorCode == ErrorCode.memberIdRequired.rawValue)
            #expect(response.memberId.hasPrefix("\(client)-"))
            #expect(response.generationId == -1)
            ids.append(response.memberId)
        }
        #expect(Set(ids).count == 3)

        // c prefers roundrobin, a and b range: range wins two votes to one.
        let joins = zip(clients, ids).map { client, id in
            let protocols = client == "consumer-c" ? ["roundrobin", "range"] : ["range", "roundrobin"]
            return (client, Harness.joinRequest(member: id, client: client, protocols: protocols))
        }
        var stillParkedAfterFirstDelay = -1
        let responses = try await harness.joinTogether(joins) {
            await harness.advance(by: .seconds(3))
            // Members arrived during the first delay, so it is extended once.
            stillParkedAfterFirstDelay = await harness.coordinator.parkedRequestCounts(groupId: Harness.groupId).joins
            await harness.advance(by: .seconds(3))
        }
        #expect(stillParkedAfterFirstDelay == 3)
        #expect(responses.map(\.errorCode) == [0, 0, 0])
        #expect(responses.map(\.generationId) == [1, 1, 1])
        #expect(responses.map(\.protocolName) == ["range", "range", "range"])
        #expect(Set(responses.map(\.leader)) == [ids[0]])
        #expect(responses.map(\.memberId) == ids)
        // Only the leader gets the members, each with its own metadata for the chosen protocol.
        let leaderView = responses[0].members
        #expect(leaderView.map(\.memberId) == ids)
        #expect(leaderView.map { String(buffer: $0.metadata) } == clients.map { "\($0):range" })
        #expect(responses[1].members.isEmpty && responses[2].members.isEmpty)

        let assignments = try await harness.syncAll(generation: 1, leader: ids[0], members: ids) { "assigned-\($0)" }
        #expect(assignments == Dictionary(uniqueKeysWithValues: ids.map { ($0, "assigned-\($0)") }))
        for id in ids { #expect(await harness.heartbeat(id, generation: 1) == .none) }
        let described = await harness.coordinator.describeGroups(DescribeGroupsRequest(groups: [Harness.groupId]))
        #expect(described.groups.first?.groupState == "Stable")
    }

    @Test("with no initial delay the first member's join completes at once")
    func noInitialDelay() async throws {
        let harness = try await Harness.make(initialRebalanceDelay: .zero)
        let id = await harness.memberId(for: "solo").memberId
        let response = await harness.coordinator.joinGroup(
            Harness.joinRequest(member: id, client: "solo"), version: 5, client: Harness.client("solo"))
        #expect(response.errorCode == 0)
        #expect(response.generationId == 1)
        #expect(response.leader == id)
        #expect(response.members.map(\.memberId) == [id])
    }

    @Test("JoinGroup v3 needs no member id round trip")
    func joinBeforeVersion4() async throws {
        let harness = try await Harness.make(initialRebalanceDelay: .zero)
        let response = await harness.coordinator.joinGroup(
            Harness.joinRequest(client: "old-client"), version: 3, client: Harness.client("old-client"))
        #expect(response.errorCode == 0)
        #expect(response.memberId.hasPrefix("old-client-"))
        #expect(response.generationId == 1)
    }

    @Test("a fourth member makes heartbeats return REBALANCE_IN_PROGRESS and starts generation 2")
    func fourthMemberRebalances() async throws {
        let harness = try await Harness.make()
        let group = try await harness.formStableGroup(["a", "b", "c"])
        let newId = await harness.memberId(for: "d").memberId

        try await withThrowingTaskGroup(of: JoinGroupResponse.self) { tasks in
            tasks.addTask {
                await harness.coordinator.joinGroup(
                    Harness.joinRequest(member: newId, client: "d"), version: 5, client: Harness.client("d"))
            }
            try await harness.waitForParkedJoins(1)
            #expect(await harness.describe()?.groupState == "PreparingRebalance")
            for id in group.memberIds {
                #expect(await harness.heartbeat(id, generation: group.generation) == .rebalanceInProgress)
            }
            // The last rejoin completes the phase; no clock movement is needed.
            let old = await harness.joinConcurrently(harness.rejoins(of: group))
            let newcomer = try #require(try await tasks.next())
            let all = old + [newcomer]
            #expect(all.map(\.errorCode) == [0, 0, 0, 0])
            #expect(Set(all.map(\.generationId)) == [group.generation + 1])
            #expect(Set(all.map(\.leader)) == [group.leader])
            let leaderResponse = try #require(all.first { $0.memberId == group.leader })
            #expect(leaderResponse.members.map(\.memberId) == group.memberIds + [newId])
        }
        // The old generation is gone.
        #expect(await harness.heartbeat(group.memberIds[1], generation: group.generation) == .illegalGeneration)
        #expect(await harness.heartbeat(group.memberIds[1], generation: group.generation + 1) == .none)
    }

    @Test("a member that stops heartbeating is expelled after its session timeout; the rest rebalance")
    func sessionTimeoutExpels() async throws {
        let harness = try await Harness.make()
        let group = try await harness.formStableGroup(["a", "b", "c"])
        let (a, b, c) = (group.memberIds[0], group.memberIds[1], group.memberIds[2])

        await harness.advance(by: .seconds(6))
        #expect(await harness.heartbeat(a, generation: 1) == .none)
        #expect(await harness.heartbeat(b, generation: 1) == .none)
        await harness.advance(by: .seconds(3))
        // 9 s without a heartbeat from c: within its 10 s session.
        #expect(await harness.describe()?.members.count == 3)
        await harness.advance(by: .seconds(1))
        let described = await harness.describe()
        #expect(described?.members.map(\.memberId) == [a, b])
        #expect(described?.groupState == "PreparingRebalance")
        #expect(await harness.heartbeat(c, generation: 1) == .unknownMemberId)
        #expect(await harness.heartbeat(a, generation: 1) == .rebalanceInProgress)

        let responses = await harness.joinConcurrently(harness.rejoins(of: group, except: ["c"]))
        #expect(responses.map(\.generationId) == [2, 2])
        #expect(responses[0].members.map(\.memberId) == [a, b])
    }

    @Test("members that do not rejoin within the rebalance timeout are dropped from the next generation")
    func rebalanceTimeoutDropsStragglers() async throws {
        let harness = try await Harness.make()
        let group = try await harness.formStableGroup(["a", "b"])
        let (a, b) = (group.memberIds[0], group.memberIds[1])
        let newId = await harness.memberId(for: "c").memberId
        let joins = [
            ("c", Harness.joinRequest(member: newId, client: "c")), ("a", Harness.joinRequest(member: a, client: "a")),
        ]
        var parkedBeforeTimeout = -1
        let responses = try await harness.joinTogether(joins) {
            // b keeps its session alive with heartbeats but never rejoins.
            for _ in 0..<3 {
                await harness.advance(by: .seconds(9))
                #expect(await harness.heartbeat(b, generation: 1) == .rebalanceInProgress)
            }
            parkedBeforeTimeout = await harness.coordinator.parkedRequestCounts(groupId: Harness.groupId).joins
            await harness.advance(by: .seconds(3))
        }
        #expect(parkedBeforeTimeout == 2)
        #expect(responses.map(\.generationId) == [2, 2])
        #expect(responses[1].members.map(\.memberId) == [a, newId])
        #expect(await harness.heartbeat(b, generation: 2) == .unknownMemberId)
    }

    @Test("LeaveGroup v3 removes a batch of members and the rest rebalance; v1 reports the member's error")
    func leaveTriggersRebalance() async throws {
        let harness = try await Harness.make()
        let group = try await harness.formStableGroup(["a", "b", "c"])
        let (a, b, c) = (group.memberIds[0], group.memberIds[1], group.memberIds[2])

        let leave = await harness.coordinator.leaveGroup(
            LeaveGroupRequest(groupId: Harness.groupId, members: [.init(memberId: c), .init(memberId: "nobody")]),
            version: 3)
        #expect(leave.errorCode == 0)
        #expect(leave.members.map(\.memberId) == [c, "nobody"])
        #expect(leave.members.map(\.errorCode) == [0, ErrorCode.unknownMemberId.rawValue])
        #expect(await harness.heartbeat(a, generation: 1) == .rebalanceInProgress)

        let responses = await harness.joinConcurrently(harness.rejoins(of: group, except: ["c"]))
        #expect(responses.map(\.generationId) == [2, 2])
        #expect(responses[0].members.map(\.memberId) == [a, b])

        let old = await harness.coordinator.leaveGroup(
            LeaveGroupRequest(groupId: Harness.groupId, memberId: c), version: 1)
        #expect(old.errorCode == ErrorCode.unknownMemberId.rawValue)
    }

    @Test("stale generations and unknown members are refused")
    func generationAndMemberChecks() async throws {
        let harness = try await Harness.make()
        let group = try await harness.formStableGroup(["a", "b"])
        let a = group.memberIds[0]
        #expect(await harness.heartbeat(a, generation: 0) == .illegalGeneration)
        #expect(await harness.heartbeat("ghost", generation: 1) == .unknownMemberId)
        let staleSync = await harness.coordinator.syncGroup(
            SyncGroupRequest(groupId: Harness.groupId, generationId: 7, memberId: a))
        #expect(staleSync.errorCode == ErrorCode.illegalGeneration.rawValue)
        let ghostSync = await harness.coordinator.syncGroup(
            SyncGroupRequest(groupId: Harness.groupId, generationId: 1, memberId: "ghost"))
        #expect(ghostSync.errorCode == ErrorCode.unknownMemberId.rawValue)
        let ghostJoin = await harness.coordinator.joinGroup(
            Harness.joinRequest(member: "ghost", client: "ghost"), version: 5, client: Harness.client("ghost"))
        #expect(ghostJoin.errorCode == ErrorCode.unknownMemberId.rawValue)
        // A stable member's sync repeats its assignment.
        let again = await harness.coordinator.syncGroup(
            SyncGroupRequest(groupId: Harness.groupId, generationId: 1, memberId: a))
        #expect(String(buffer: again.assignment) == "parts-of-a")
        #expect(await harness.heartbeat("anyone", generation: 1).rawValue == 25)
    }

    @Test("session timeouts outside the configured range and protocol mismatches are refused")
    func joinValidation() async throws {
        let harness = try await Harness.make(initialRebalanceDelay: .zero)
        let tooShort = await harness.coordinator.joinGroup(
            Harness.joinRequest(client: "x", sessionTimeoutMs: 5_999), version: 5, client: Harness.client("x"))
        #expect(tooShort.errorCode == ErrorCode.invalidSessionTimeout.rawValue)
        let tooLong = await harness.coordinator.joinGroup(
            Harness.joinRequest(client: "x", sessionTimeoutMs: 1_800_001), version: 5, client: Harness.client("x"))
        #expect(tooLong.errorCode == ErrorCode.invalidSessionTimeout.rawValue)

        let first = await harness.coordinator.joinGroup(
            Harness.joinRequest(client: "x", protocols: ["range"]), version: 3, client: Harness.client("x"))
        #expect(first.errorCode == 0)
        let disjoint = await harness.coordinator.joinGroup(
            Harness.joinRequest(client: "y", protocols: ["sticky"]), version: 3, client: Harness.client("y"))
        #expect(disjoint.errorCode == ErrorCode.inconsistentGroupProtocol.rawValue)
        let otherType = await harness.coordinator.joinGroup(
            Harness.joinRequest(client: "z", protocols: ["range"], protocolType: "connect"), version: 3,
            client: Harness.client("z"))
        #expect(otherType.errorCode == ErrorCode.inconsistentGroupProtocol.rawValue)
        let noGroup = await harness.coordinator.joinGroup(
            JoinGroupRequest(
                groupId: "", sessionTimeoutMs: 10_000, protocolType: "consumer", protocols: [.init(name: "range")]),
            version: 3, client: Harness.client("x"))
        #expect(noGroup.errorCode == ErrorCode.invalidGroupId.rawValue)
    }

    @Test(
        "while assignments are awaited heartbeats are NONE; the leader leaving sends parked syncs REBALANCE_IN_PROGRESS"
    )
    func leaderLeavesBeforeSync() async throws {
        let harness = try await Harness.make()
        let ids = [await harness.memberId(for: "a").memberId, await harness.memberId(for: "b").memberId]
        let joined = try await harness.joinTogether(
            zip(["a", "b"], ids).map { ($0, Harness.joinRequest(member: $1, client: $0)) }
        ) {
            await harness.advance(by: .seconds(3))
            await harness.advance(by: .seconds(3))
        }
        let (leader, follower) = (joined[0].leader, ids[1])
        #expect(leader == ids[0])
        #expect(await harness.describe()?.groupState == "CompletingRebalance")
        #expect(await harness.heartbeat(follower, generation: 1) == .none)
        let followerSync = try await withThrowingTaskGroup(of: SyncGroupResponse.self) { tasks in
            tasks.addTask {
                await harness.coordinator.syncGroup(
                    SyncGroupRequest(groupId: Harness.groupId, generationId: 1, memberId: follower))
            }
            try await harness.waitForParkedSyncs(1)
            _ = await harness.coordinator.leaveGroup(
                LeaveGroupRequest(groupId: Harness.groupId, members: [.init(memberId: leader)]), version: 3)
            return try #require(try await tasks.next())
        }
        #expect(followerSync.errorCode == ErrorCode.rebalanceInProgress.rawValue)
        #expect(await harness.describe()?.groupState == "PreparingRebalance")
        // The follower rejoins alone and leads generation 2.
        let rejoined = await harness.coordinator.joinGroup(
            Harness.joinRequest(member: follower, client: "b"), version: 5, client: Harness.client("b"))
        #expect(rejoined.generationId == 2)
        #expect(rejoined.leader == follower)
    }

    @Test("shutdown answers parked joins with NOT_COORDINATOR")
    func shutdownReleasesParkedJoins() async throws {
        let harness = try await Harness.make()
        let id = await harness.memberId(for: "a").memberId
        let responses = try await harness.joinTogether([("a", Harness.joinRequest(member: id, client: "a"))]) {
            await harness.coordinator.shutdown()
        }
        #expect(responses.map(\.errorCode) == [ErrorCode.notCoordinator.rawValue])
    }
}

@Suite("Group coordinator: timer loop")
struct GroupTimerLoopTests {
    typealias Harness = GroupTestHarness

    @Test("run() ends the initial delay on the clock by itself and answers parked joins when cancelled")
    func runDrivesTimers() async throws {
        let harness = try await Harness.make()
        let ids = [await harness.memberId(for: "a").memberId, await harness.memberId(for: "b").memberId]
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await harness.coordinator.run() }
            // a's join completes through run() once the clock passes the initial delay.
            let first = try await harness.joinTogether([("a", Harness.joinRequest(member: ids[0], client: "a"))]) {
                try? await harness.waitUntil("the timer loop ends the join phase") {
                    harness.clock.advance(by: .milliseconds(100))
                    return await harness.coordinator.parkedRequestCounts(groupId: Harness.groupId).joins == 0
                }
            }
            #expect(first.map(\.generationId) == [1])
            #expect(harness.clock.now >= .seconds(3))
            // b's join parks (a must rejoin); cancelling run() shuts the coordinator down and answers it.
            let second = try await harness.joinTogether([("b", Harness.joinRequest(member: ids[1], client: "b"))]) {
                tasks.cancelAll()
            }
            #expect(second.map(\.errorCode) == [ErrorCode.notCoordinator.rawValue])
            try await tasks.waitForAll()
        }
        #expect(await harness.heartbeat(ids[0], generation: 1) == .coordinatorNotAvailable)
    }
}
