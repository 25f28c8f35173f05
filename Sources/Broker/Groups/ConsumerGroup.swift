import Kafka
import NIOCore

/// One group's membership and rebalance state (Kafka's `GroupMetadata`). Owned by the `GroupCoordinator`
/// actor; the coordinator drives the transitions, this type keeps the bookkeeping consistent.
final class ConsumerGroup {
    let groupId: String
    var state: GroupState = .empty
    var generationId: Int32 = 0
    /// The protocol type of the members ("consumer"); `nil` while the group has never had members.
    var protocolType: String?
    /// The protocol chosen for the current generation.
    var protocolName: String?
    var leaderId: String?
    private(set) var members: [String: GroupMember] = [:]
    /// Member ids handed out with MEMBER_ID_REQUIRED, with the time by which they must join.
    var pendingMembers: [String: Duration] = [:]
    /// `group.instance.id` → member id of the static members.
    private(set) var staticMembers: [String: String] = [:]
    /// When the join phase ends (PreparingRebalance only).
    var joinDeadline: Duration?
    /// For the initial delayed join of an empty group: how much of the rebalance timeout is left to extend
    /// the delay; `nil` for an ordinary join phase, which completes as soon as every member has joined.
    var initialJoinRemaining: Duration?
    /// Whether a member arrived during the current initial delay, which extends it once more.
    var newMemberAdded = false
    /// When the group last lost its final member (Unix milliseconds); offsets retention counts from here.
    var emptySinceMs: Int64?
    private var nextJoinOrder: UInt64 = 0

    init(groupId: String) {
        self.groupId = groupId
    }

    /// Members in order of arrival.
    var orderedMembers: [GroupMember] {
        members.values.sorted { $0.joinOrder < $1.joinOrder }
    }

    var isEmpty: Bool { members.isEmpty }

    func member(_ memberId: String) -> GroupMember? { members[memberId] }

    func isLeader(_ memberId: String) -> Bool { leaderId == memberId }

    /// A number for the next member's arrival order.
    func takeJoinOrder() -> UInt64 {
        nextJoinOrder += 1
        return nextJoinOrder
    }

    func add(_ member: GroupMember) {
        if members.isEmpty { protocolType = member.protocolType }
        members[member.memberId] = member
        if let instance = member.groupInstanceId { staticMembers[instance] = member.memberId }
        if leaderId == nil { leaderId = member.memberId }
    }

    func remove(_ memberId: String) {
        guard let member = members.removeValue(forKey: memberId) else { return }
        if let instance = member.groupInstanceId, staticMembers[instance] == memberId {
            staticMembers.removeValue(forKey: instance)
        }
        if leaderId == memberId {
            leaderId = orderedMembers.first { $0.isAwaitingJoin }?.memberId ?? orderedMembers.first?.memberId
        }
    }

    /// Gives a static member a new member id, keeping its place, assignment and leadership.
    func replaceStaticMember(_ oldMemberId: String, with newMemberId: String) -> GroupMember? {
        guard let member = members.removeValue(forKey: oldMemberId) else { return nil }
        member.memberId = newMemberId
        members[newMemberId] = member
        if let instance = member.groupInstanceId { staticMembers[instance] = newMemberId }
        if leaderId == oldMemberId { leaderId = newMemberId }
        return member
    }

    func staticMemberId(for groupInstanceId: String?) -> String? {
        groupInstanceId.flatMap { staticMembers[$0] }
    }

    /// Whether a request naming `groupInstanceId` comes from an older incarnation of that static member.
    func isStaticMemberFenced(memberId: String, groupInstanceId: String?) -> Bool {
        guard let current = staticMemberId(for: groupInstanceId) else { return false }
        return current != memberId
    }

    /// Whether every member has a parked JoinGroup request and no handed-out member id is still to join.
    var hasAllMembersJoined: Bool {
        pendingMembers.isEmpty && members.values.allSatisfy(\.isAwaitingJoin)
    }

    /// The longest rebalance timeout of the members: how long a join phase may wait.
    var rebalanceTimeout: Duration {
        members.values.map(\.rebalanceTimeout).max() ?? .zero
    }

    /// Protocol names every member supports.
    private var commonProtocols: Set<String> {
        var common: Set<String>?
        for member in members.values {
            let names = Set(member.protocols.map(\.name))
            common = common.map { $0.intersection(names) } ?? names
        }
        return common ?? []
    }

    /// Whether a member of `protocolType` offering `names` can be in this group (Kafka's `supportsProtocols`).
    func supportsProtocols(type: String, names: [String]) -> Bool {
        if members.isEmpty { return !type.isEmpty && !names.isEmpty }
        return protocolType == type && !commonProtocols.isDisjoint(with: names)
    }

    /// The protocol for the next generation: among those every member supports, each member votes for the
    /// first in its own preference order and the most votes win; ties go to the leader's preference.
    func selectProtocol() -> String? {
        let candidates = commonProtocols
        var votes: [String: Int] = [:]
        for member in members.values {
            if let choice = member.protocols.first(where: { candidates.contains($0.name) }) {
                votes[choice.name, default: 0] += 1
            }
        }
        let preference = (leaderId.flatMap { members[$0] } ?? orderedMembers.first)?.protocols.map(\.name) ?? []
        let ranked = preference.filter { candidates.contains($0) }
        return ranked.max { lhs, rhs in
            let (left, right) = (votes[lhs, default: 0], votes[rhs, default: 0])
            if left != right { return left < right }
            // Equal votes: the earlier in the leader's list wins, so it must compare as the larger.
            return (ranked.firstIndex(of: lhs) ?? 0) > (ranked.firstIndex(of: rhs) ?? 0)
        }
    }
}
