/// Who sent a group request: the client id of the request header and the peer's host, as the server knows
/// them. DescribeGroups reports both for each member.
package struct GroupClientInfo: Sendable, Equatable {
    /// The request header's client id.
    package var clientId: String
    /// The peer address, as Kafka prints it (`/127.0.0.1`).
    package var clientHost: String

    package init(clientId: String, clientHost: String) {
        self.clientId = clientId
        self.clientHost = clientHost
    }
}
