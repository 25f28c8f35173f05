import Broker
import Kafka
import Logging
import NIOCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A coordinator on a manual clock in a fresh temporary directory, with helpers that speak the group
/// protocol the way a consumer does.
struct GroupTestHarness {
    static let groupId = "orders-analytics"
    static let sessionTimeoutMs: Int32 = 10_000
    static let rebalanceTimeoutMs: Int32 = 30_000

    let clock: ManualGroupClock
    let temporary: TemporaryDirectory
    var directory: String { temporary.path }
    let configuration: GroupConfiguration
    var coordinator: GroupCoordinator

    /// A harness whose first rebalance waits `initialRebalanceDelay` (3 s like Kafka unless given).
    static func make(
        initialRebalanceDelay: Duration = .seconds(3), configure: (inout GroupConfiguration) -> Void = { _ in }
    ) async throws -> GroupTestHarness {
        var configuration = GroupConfiguration()
        configuration.initialRebalanceDelay = initialRebalanceDelay
        configure(&configuration)
        let clock = ManualGroupClock()
        let temporary = try TemporaryDirectory()
        let coordinator = try await GroupCoordinator.open(
            directory: temporary.path, configuration: configuration, clock: clock, logger: quietLogger)
        return GroupTestHarness(
            clock: clock, temporary: temporary, configuration: configuration, coordinator: coordinator)
    }

    /// Shuts the coordinator down and opens a new one on the same directory, as a broker restart does.
    mutating func restart() async throws {
        await coordinator.shutdown()
        coordinator = try await GroupCoordinator.open(
            directory: directory, configuration: configuration, clock: clock, logger: Self.quietLogger)
    }

    static let quietLogger = Logger(label: "souk.tests.groups") { _ in SwiftLogNoOpLogHandler() }

    static func client(_ name: String) -> GroupClientInfo {
        GroupClientInfo(clientId: name, clientHost: "/127.0.0.1")
    }

    /// Consumer-protocol style subscription metadata that names its owner, so tests can tell whose it is.
    static func metadata(_ owner: String, _ protocolName: String) -> ByteBuffer {
        ByteBuffer(string: "\(owner):\(protocolName)")
    }

    static func joinRequest(
        member memberId: String = "", client: String, protocols: [String] = ["range", "roundrobin"],
        instance: String? = nil, sessionTimeoutMs: Int32 = sessionTimeoutMs, protocolType: String = "consumer"
    ) -> JoinGroupRequest {
        JoinGroupRequest(
            groupId: groupId, sessionTimeoutMs: sessionTimeoutMs, rebalanceTimeoutMs: rebalanceTimeoutMs,
            memberId: memberId, groupInstanceId: instance, protocolType: protocolType,
            protocols: protocols.map { .init(name: $0, metadata: metadata(client, $0)) })
    }

    /// JoinGroup v5 with an empty member id: the coordinator answers MEMBER_ID_REQUIRED with a new id.
    func memberId(for client: String) async -> JoinGroupResponse {
        await coordinator.joinGroup(Self.joinRequest(client: client), version: 5, client: Self.client(client))
    }

    /// Waits until `condition` holds, letting other tasks run between checks; fails after many tries
    /// instead of sleeping.
    func waitUntil(_ what: String, _ condition: () async -> Bool) async throws {
        for _ in 0..<100_000 {
            if await condition() { return }
            await Task.yield()
        }
        throw HarnessError.timedOut(what)
    }

    func waitForParkedJoins(_ count: Int) async throws {
        try await waitUntil("\(count) parked joins") {
            await coordinator.parkedRequestCounts(groupId: Self.groupId).joins == count
        }
    }

    func waitForParkedSyncs(_ count: Int) async throws {
        try await waitUntil("\(count) parked syncs") {
            await coordinator.parkedRequestCounts(groupId: Self.groupId).syncs == count
        }
    }

    /// Moves the clock and runs one timer pass.
    func advance(by duration: Duration) async {
        clock.advance(by: duration)
        await coordinator.expireDeadlines()
    }

    /// Sends the joins concurrently (clients with their member ids), waits until all are parked, runs
    /// `release` (which must end the join phase), and returns the responses in the order of `joins`.
    func joinTogether(
        _ joins: [(client: String, request: JoinGroupRequest)], release: () async -> Void
    ) async throws -> [JoinGroupResponse] {
        let parkedBefore = await coordinator.parkedRequestCounts(groupId: Self.groupId).joins
        return try await withThrowingTaskGroup(of: (Int, JoinGroupResponse).self) { tasks in
            // One at a time, each parked before the next is sent: the coordinator sees them in array order
            // (the first is the leader), whatever the scheduler does.
            for (index, join) in joins.enumerated() {
                tasks.addTask {
                    (index, await coordinator.joinGroup(join.request, version: 5, client: Self.client(join.client)))
                }
                try await waitForParkedJoins(parkedBefore + index + 1)
            }
            await release()
            do {
                try await waitForParkedJoins(0)
            } catch {
                // The release did not end the join phase: answer the parked joins so the test fails, not hangs.
                await coordinator.shutdown()
                throw error
            }
            var responses = [JoinGroupResponse?](repeating: nil, count: joins.count)
            for try await (index, response) in tasks { responses[index] = response }
            return responses.compactMap { $0 }
        }
    }

    /// Sends the joins concurrently and returns the responses in order; for joins that end the join phase
    /// themselves (every member has rejoined).
    func joinConcurrently(_ joins: [(client: String, request: JoinGroupRequest)]) async -> [JoinGroupResponse] {
        await withTaskGroup(of: (Int, JoinGroupResponse).self) { tasks in
            for (index, join) in joins.enumerated() {
                tasks.addTask {
                    (index, await coordinator.joinGroup(join.request, version: 5, client: Self.client(join.client)))
                }
            }
            var responses = [JoinGroupResponse?](repeating: nil, count: joins.count)
            for await (index, response) in tasks { responses[index] = response }
            return responses.compactMap { $0 }
        }
    }

    /// Rejoin requests of a formed group's members, with the same protocols.
    func rejoins(of group: StableGroup, except excluded: Set<String> = []) -> [(
        client: String, request: JoinGroupRequest
    )] {
        zip(group.clients, group.memberIds).filter { !excluded.contains($0.0) }.map {
            ($0.0, Self.joinRequest(member: $0.1, client: $0.0))
        }
    }

    func describe() async -> DescribeGroupsResponse.DescribedGroup? {
        await coordinator.describeGroups(DescribeGroupsRequest(groups: [Self.groupId])).groups.first
    }

    /// Sends every member's SyncGroup, followers first (they park), then the leader with `assignment(member)`
    /// for each member; returns each member's assignment as a string.
    func syncAll(
        generation: Int32, leader: String, members: [String], assignment: (String) -> String
    ) async throws -> [String: String] {
        let followers = members.filter { $0 != leader }
        let assignments = members.map {
            SyncGroupRequest.SyncGroupRequestAssignment(memberId: $0, assignment: ByteBuffer(string: assignment($0)))
        }
        return try await withThrowingTaskGroup(of: (String, SyncGroupResponse).self) { tasks in
            for follower in followers {
                tasks.addTask {
                    let request = SyncGroupRequest(groupId: Self.groupId, generationId: generation, memberId: follower)
                    return (follower, await coordinator.syncGroup(request))
                }
            }
            try await waitForParkedSyncs(followers.count)
            let leaderRequest = SyncGroupRequest(
                groupId: Self.groupId, generationId: generation, memberId: leader, assignments: assignments)
            var results: [String: String] = [:]
            let leaderResponse = await coordinator.syncGroup(leaderRequest)
            guard leaderResponse.errorCode == 0 else { throw HarnessError.syncFailed(leaderResponse.errorCode) }
            results[leader] = String(buffer: leaderResponse.assignment)
            for try await (member, response) in tasks {
                guard response.errorCode == 0 else { throw HarnessError.syncFailed(response.errorCode) }
                results[member] = String(buffer: response.assignment)
            }
            return results
        }
    }

    /// Forms a Stable group of `clients` through MEMBER_ID_REQUIRED, one join phase (initial delay) and a
    /// sync; each member is assigned "parts-of-<client>".
    func formStableGroup(_ clients: [String]) async throws -> StableGroup {
        var ids: [String] = []
        for client in clients { ids.append(await memberId(for: client).memberId) }
        let joins = zip(clients, ids).map { ($0, Self.joinRequest(member: $1, client: $0)) }
        let responses = try await joinTogether(joins) {
            // The initial delay, then once more because members arrived during it.
            await advance(by: configuration.initialRebalanceDelay)
            await advance(by: configuration.initialRebalanceDelay)
        }
        let generation = responses[0].generationId
        let leader = responses[0].leader
        _ = try await syncAll(generation: generation, leader: leader, members: ids) { id in
            "parts-of-\(clients[ids.firstIndex(of: id) ?? 0])"
        }
        return StableGroup(clients: clients, memberIds: ids, generation: generation, leader: leader)
    }

    func heartbeat(_ memberId: String, generation: Int32, instance: String? = nil) async -> ErrorCode {
        let request = HeartbeatRequest(
            groupId: Self.groupId, generationId: generation, memberId: memberId, groupInstanceId: instance)
        return ErrorCode(rawValue: await coordinator.heartbeat(request).errorCode)
    }
}

/// A group the harness brought to Stable.
struct StableGroup {
    var clients: [String]
    var memberIds: [String]
    var generation: Int32
    var leader: String
}

enum HarnessError: Error {
    case timedOut(String)
    case syncFailed(Int16)
    case noTemporaryDirectory
}

/// A directory under /tmp for one test's offsets log, removed with its files when the last harness copy goes.
final class TemporaryDirectory: Sendable {
    let path: String

    init() throws {
        var template = Array("/tmp/souk-groups-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress.flatMap { mkdtemp($0) }.map { String(cString: $0) }
        }
        guard let made else { throw HarnessError.noTemporaryDirectory }
        path = made
    }

    deinit {
        // The coordinator writes only these two files.
        unlink("\(path)/offsets.log")
        unlink("\(path)/offsets.log.tmp")
        rmdir(path)
    }
}
