/// Why a client operation failed. Broker error codes arrive as `.broker`; everything the client
/// detects itself (connections, timeouts, versions, bad bytes) has its own case.
package enum KafkaClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A TCP connection could not be opened.
    case connectionFailed(host: String, port: Int, reason: String)
    /// The connection closed (or failed) before the response arrived.
    case connectionClosed(reason: String)
    /// No response arrived within the request timeout; the connection was closed.
    case requestTimedOut(api: ApiKey, after: Duration)
    /// A response could not be decoded.
    case wire(WireError)
    /// A response carried a correlation id other than the one of the oldest outstanding request.
    case correlationMismatch(expected: Int32, received: Int32)
    /// The broker does not offer `api`, or offers no version this client implements.
    case noCommonVersion(api: ApiKey, client: ClosedRange<Int16>, broker: ClosedRange<Int16>?)
    /// The broker answered with an error code.
    case broker(ErrorCode, api: ApiKey, context: String)
    /// None of the bootstrap servers answered.
    case noBrokerReachable(servers: [String])
    /// The topic or partition does not exist (after a metadata refresh).
    case unknownTopicOrPartition(TopicPartition)
    /// The producer holds `limit` bytes of undelivered records already.
    case queueFull(limit: Int)
    /// The producer or consumer was closed.
    case closed
    /// A configuration is inconsistent (idempotence without acks=all…).
    case invalidConfiguration(String)
    /// Records given to `enqueue` failed; `first` describes the first failure.
    case deliveryFailed(count: Int, first: String)
    /// A record waited longer than the delivery timeout; the last retriable error is attached.
    case deliveryTimedOut(lastError: String)
    /// The partition is not assigned to this consumer.
    case notAssigned(TopicPartition)
    /// The fetch position is outside the log and the reset policy is `.none`.
    case offsetOutOfRange(TopicPartition, offset: Int64)
    /// Commits and group membership need `groupId` in the configuration.
    case noGroupId
    /// A group member's subscription or assignment bytes are malformed, or the group chose an
    /// assignment strategy this member does not know.
    case invalidGroupProtocol(String)

    /// Whether trying again (after a metadata refresh and a backoff) may succeed.
    package var isRetriable: Bool {
        switch self {
        case .connectionFailed, .connectionClosed, .requestTimedOut, .noBrokerReachable: true
        case .broker(let code, _, _): code.isRetriable
        default: false
        }
    }

    package var description: String {
        switch self {
        case .connectionFailed(let host, let port, let reason): "cannot connect to \(host):\(port): \(reason)"
        case .connectionClosed(let reason): "connection closed: \(reason)"
        case .requestTimedOut(let api, let after): "\(api) request timed out after \(after)"
        case .wire(let error): "bad response: \(error)"
        case .correlationMismatch(let expected, let received):
            "response correlation id \(received), expected \(expected)"
        case .noCommonVersion(let api, let client, let broker):
            if let broker {
                "no common version for \(api): client \(client.lowerBound)...\(client.upperBound), "
                    + "broker \(broker.lowerBound)...\(broker.upperBound)"
            } else {
                "the broker does not offer \(api)"
            }
        case .broker(let code, let api, let context):
            "\(api) failed with \(code)\(context.isEmpty ? "" : " (\(context))")"
        case .noBrokerReachable(let servers): "no broker reachable among \(servers.joined(separator: ","))"
        case .unknownTopicOrPartition(let tp): "unknown topic or partition \(tp)"
        case .queueFull(let limit): "producer queue full (\(limit) bytes buffered); flush or use send"
        case .closed: "closed"
        case .invalidConfiguration(let reason): "invalid configuration: \(reason)"
        case .deliveryFailed(let count, let first): "\(count) records failed; first: \(first)"
        case .deliveryTimedOut(let lastError): "delivery timed out; last error: \(lastError)"
        case .notAssigned(let tp): "\(tp) is not assigned to this consumer"
        case .offsetOutOfRange(let tp, let offset): "offset \(offset) out of range for \(tp)"
        case .noGroupId: "this operation needs a group id"
        case .invalidGroupProtocol(let reason): "invalid group protocol data: \(reason)"
        }
    }
}

extension ErrorCode {
    /// Errors that mean cached metadata (leaders, coordinators) is stale.
    package var invalidatesMetadata: Bool {
        switch rawValue {
        case 3, 5, 6, 74, 75: true
        default: false
        }
    }

    /// Errors that mean the group coordinator moved or is not ready.
    package var invalidatesCoordinator: Bool {
        switch rawValue {
        case 13, 15, 16: true
        default: false
        }
    }
}

extension KafkaClientError {
    /// Maps any error thrown below the client's API to a `KafkaClientError`.
    package init(_ error: any Error) {
        switch error {
        case let error as KafkaClientError: self = error
        case let error as WireError: self = .wire(error)
        case is CancellationError: self = .closed
        default: self = .connectionClosed(reason: "\(error)")
        }
    }
}
