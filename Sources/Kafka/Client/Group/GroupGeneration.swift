/// A member's place in a group generation, sent with commits and heartbeats.
package struct GroupGeneration: Sendable, Equatable {
    package var generationId: Int32
    package var memberId: String

    package init(generationId: Int32, memberId: String) {
        self.generationId = generationId
        self.memberId = memberId
    }

    /// Outside any generation: commits of a consumer with manual assignment (Kafka accepts them when
    /// the group has no active members).
    package static let none = GroupGeneration(generationId: -1, memberId: "")
}
