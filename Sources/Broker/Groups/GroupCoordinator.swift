import Kafka
import Logging
import NIOCore
import ServiceLifecycle

/// The broker's consumer-group coordinator: every group's membership and rebalances (JoinGroup, SyncGroup,
/// Heartbeat, LeaveGroup), committed offsets (OffsetCommit, OffsetFetch, persisted in an `OffsetStore`), and
/// group administration (DescribeGroups, ListGroups, DeleteGroups), with Apache Kafka's classic-protocol
/// semantics.
///
/// One actor owns all groups. JoinGroup and SyncGroup park their caller on a continuation until the rebalance
/// moves on, so a parked request holds no thread and blocks no other group or connection; the server awaits
/// each request's method and writes the answers of one connection in request order.
///
/// Wiring: `open(directory:configuration:clock:logger:)` once (e.g. on `<data-dir>/broker/groups`), add the
/// coordinator to the `ServiceGroup`, and for each decoded request call the method of its API with the request
/// version where the method takes one: `joinGroup(_:version:client:)`, `syncGroup(_:)`, `heartbeat(_:)`,
/// `leaveGroup(_:version:)`, `commitOffsets(_:)`, `fetchOffsets(_:version:)`, `describeGroups(_:)`,
/// `listGroups(_:)`, `deleteGroups(_:)`. Encode the returned response in the same version.
///
/// Timers: nothing fires by itself. `run()` (a `Service` for the broker's `ServiceGroup`) sleeps
/// `timerInterval` on the injected clock and calls `expireDeadlines()`, which expires sessions, handed-out
/// member ids, join phases and old offsets. Tests drive a `ManualGroupClock` and call `expireDeadlines()`.
package actor GroupCoordinator: Service {
    let configuration: GroupConfiguration
    let clock: any GroupClock
    let logger: Logger
    let store: OffsetStore
    var groups: [String: ConsumerGroup] = [:]
    /// Committed offsets by group id.
    var offsets: [String: [OffsetKey: CommittedOffset]] = [:]
    var lastRetentionCheck: Duration
    var isShutDown = false

    /// Opens the offsets log under `directory` (created if missing), replays it, and returns a coordinator
    /// whose groups are the ones with committed offsets, all Empty (membership is rebuilt by the clients).
    package static func open(
        directory: String, configuration: GroupConfiguration = GroupConfiguration(),
        clock: any GroupClock = SystemGroupClock(), logger: Logger
    ) async throws(OffsetsLogError) -> GroupCoordinator {
        var logger = logger
        logger[metadataKey: "subsystem"] = "groups"
        let (store, offsets) = try await OffsetStore.open(
            directory: directory, configuration: configuration.offsetsLog, logger: logger)
        return GroupCoordinator(
            configuration: configuration, clock: clock, logger: logger, store: store, offsets: offsets)
    }

    private init(
        configuration: GroupConfiguration, clock: any GroupClock, logger: Logger, store: OffsetStore,
        offsets: [OffsetKey: CommittedOffset]
    ) {
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
        self.store = store
        self.lastRetentionCheck = clock.now
        for (key, committed) in offsets {
            self.offsets[key.groupId, default: [:]][key] = committed
            if groups[key.groupId] == nil { groups[key.groupId] = ConsumerGroup(groupId: key.groupId) }
        }
    }

    /// The timer loop: expires deadlines every `timerInterval` until cancelled or gracefully shut down, then
    /// answers parked requests with NOT_COORDINATOR and closes the offsets log.
    package nonisolated func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                while !Task.isCancelled {
                    try await self.clock.sleep(for: self.configuration.timerInterval)
                    await self.expireDeadlines()
                }
            }
        } catch {
            // Cancellation or graceful shutdown: both end the loop the same way.
        }
        await shutdown()
    }

    /// One timer pass at the clock's current time: drops handed-out member ids and members whose session ran
    /// out, ends join phases whose deadline passed, and (every `offsetsRetentionCheckInterval`) expires the
    /// offsets of groups without members.
    package func expireDeadlines() async {
        guard !isShutDown else { return }
        let now = clock.now
        expireSessions(at: now)
        if configuration.offsetsRetention != nil,
            now - lastRetentionCheck >= configuration.offsetsRetentionCheckInterval
        {
            lastRetentionCheck = now
            await expireOffsets()
        }
        dropForgottenGroups()
    }

    /// Drops handed-out member ids and members whose session ran out by `now`, and ends join phases whose
    /// deadline passed. The timer runs it every `timerInterval`; describing, listing and deleting groups run
    /// it first, so they see a session end at its deadline, as Kafka does, not up to a timer tick later.
    func expireSessions(at now: Duration) {
        for group in Array(groups.values) {
            expirePendingMembers(of: group, at: now)
            for member in group.orderedMembers where member.hasExpired(at: now) {
                guard group.member(member.memberId) === member else { continue }
                logger.info(
                    "member session expired",
                    metadata: ["group.id": "\(group.groupId)", "member.id": "\(member.memberId)"])
                removeMember(member, from: group, reason: "session timeout")
            }
            if group.state == .preparingRebalance, let deadline = group.joinDeadline, deadline <= now {
                joinDeadlineReached(group)
            }
        }
    }

    /// Answers every parked request with NOT_COORDINATOR (clients look for the coordinator again) and closes
    /// the offsets log. Later requests get COORDINATOR_NOT_AVAILABLE. Idempotent.
    package func shutdown() async {
        guard !isShutDown else { return }
        isShutDown = true
        for group in groups.values {
            for member in group.orderedMembers {
                member.completeJoin(
                    JoinGroupResponse(errorCode: ErrorCode.notCoordinator.rawValue, memberId: member.memberId))
                member.completeSync(SyncGroupResponse(errorCode: ErrorCode.notCoordinator.rawValue))
            }
        }
        await store.close()
        logger.info("group coordinator shut down")
    }

    /// How many JoinGroup and SyncGroup requests of `groupId` are parked (for metrics and tests).
    package func parkedRequestCounts(groupId: String) -> (joins: Int, syncs: Int) {
        let members = groups[groupId]?.members.values.map { $0 } ?? []
        return (members.count { $0.joinWaiter != nil }, members.count { $0.syncWaiter != nil })
    }

    private func expirePendingMembers(of group: ConsumerGroup, at now: Duration) {
        let expired = group.pendingMembers.filter { $0.value <= now }.keys
        guard !expired.isEmpty else { return }
        for memberId in expired {
            group.pendingMembers.removeValue(forKey: memberId)
            logger.debug(
                "pending member did not join in time",
                metadata: ["group.id": "\(group.groupId)", "member.id": "\(memberId)"])
        }
        tryCompleteJoin(group)
    }

    /// Forgets groups that have no members, no handed-out member ids and no offsets (Kafka drops them in its
    /// offsets cleanup); they would otherwise linger in ListGroups.
    private func dropForgottenGroups() {
        for (groupId, group) in groups
        where group.state == .empty && group.isEmpty && group.pendingMembers.isEmpty
            && (offsets[groupId]?.isEmpty ?? true)
        {
            groups.removeValue(forKey: groupId)
            offsets.removeValue(forKey: groupId)
        }
    }

    /// A new member id: the client id (or, for a static member, its instance id), a dash and a random UUID,
    /// as Kafka makes them.
    func makeMemberId(clientId: String, groupInstanceId: String?) -> String {
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() as UInt64
        let low = generator.next() as UInt64
        let hex = String(high, radix: 16).leftPadded(to: 16) + String(low, radix: 16).leftPadded(to: 16)
        let characters = Array(hex)
        let uuid = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(characters[$0]) }.joined(separator: "-")
        return "\(groupInstanceId ?? clientId)-\(uuid)"
    }
}

extension String {
    fileprivate func leftPadded(to length: Int) -> String {
        count >= length ? self : String(repeating: "0", count: length - count) + self
    }
}
