import Kafka
import NIOCore

/// One member of a consumer group (Kafka's `MemberMetadata`), with the JoinGroup or SyncGroup request it
/// has parked, if any. Owned by the `GroupCoordinator` actor.
final class GroupMember {
    /// A parked JoinGroup request, answered when the join phase completes.
    typealias JoinWaiter = CheckedContinuation<JoinGroupResponse, Never>
    /// A parked SyncGroup request, answered when the leader's assignments arrive or the rebalance restarts.
    typealias SyncWaiter = CheckedContinuation<SyncGroupResponse, Never>

    var memberId: String
    let groupInstanceId: String?
    var client: GroupClientInfo
    var rebalanceTimeout: Duration
    var sessionTimeout: Duration
    var protocolType: String
    /// Protocols in the member's order of preference.
    var protocols: [JoinGroupRequest.JoinGroupRequestProtocol]
    var assignment = ByteBuffer()
    var joinWaiter: JoinWaiter?
    var syncWaiter: SyncWaiter?
    /// When the member last proved alive (heartbeat, join, sync, commit).
    var lastHeartbeat: Duration
    /// Order of arrival in the group, so the leader sees members in a stable order.
    let joinOrder: UInt64

    init(
        memberId: String, groupInstanceId: String?, client: GroupClientInfo, rebalanceTimeout: Duration,
        sessionTimeout: Duration, protocolType: String, protocols: [JoinGroupRequest.JoinGroupRequestProtocol],
        now: Duration, joinOrder: UInt64
    ) {
        self.memberId = memberId
        self.groupInstanceId = groupInstanceId
        self.client = client
        self.rebalanceTimeout = rebalanceTimeout
        self.sessionTimeout = sessionTimeout
        self.protocolType = protocolType
        self.protocols = protocols
        self.lastHeartbeat = now
        self.joinOrder = joinOrder
    }

    var isAwaitingJoin: Bool { joinWaiter != nil }
    var isStatic: Bool { groupInstanceId != nil }

    /// The metadata this member sent for `protocolName` (empty if it does not support it).
    func metadata(for protocolName: String?) -> ByteBuffer {
        protocols.first { $0.name == protocolName }?.metadata ?? ByteBuffer()
    }

    /// Whether `protocols` are exactly the ones this member joined with, in the same order and with the
    /// same metadata; a rejoin with the same protocols need not start a rebalance.
    func matches(_ protocols: [JoinGroupRequest.JoinGroupRequestProtocol]) -> Bool {
        self.protocols == protocols
    }

    /// Whether the session has run out at `now`. A member with a parked request is kept alive: the
    /// rebalance timeout bounds how long it may wait.
    func hasExpired(at now: Duration) -> Bool {
        joinWaiter == nil && syncWaiter == nil && lastHeartbeat + sessionTimeout <= now
    }

    /// Answers the parked JoinGroup request, if any.
    func completeJoin(_ response: JoinGroupResponse) {
        joinWaiter?.resume(returning: response)
        joinWaiter = nil
    }

    /// Answers the parked SyncGroup request, if any.
    func completeSync(_ response: SyncGroupResponse) {
        syncWaiter?.resume(returning: response)
        syncWaiter = nil
    }
}
