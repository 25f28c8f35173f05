/// Where a group is in the rebalance protocol; the raw values are the state names Kafka reports in
/// DescribeGroups.
package enum GroupState: String, Sendable {
    /// No members; the group may still hold committed offsets.
    case empty = "Empty"
    /// Members are (re)joining; JoinGroup requests are parked until all have joined or the rebalance times out.
    case preparingRebalance = "PreparingRebalance"
    /// The generation is chosen; members are waiting for the leader's assignments in SyncGroup.
    case completingRebalance = "CompletingRebalance"
    /// Every member has its assignment and heartbeats.
    case stable = "Stable"
    /// The group was deleted.
    case dead = "Dead"
}
