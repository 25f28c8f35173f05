import Kafka

extension RequestRouter {
    /// This broker coordinates every group. Transactions are not offered: a transaction coordinator
    /// lookup is refused at once with TRANSACTIONAL_ID_AUTHORIZATION_FAILED, which librdkafka and
    /// kafka-python treat as fatal (their `init_transactions()` fails immediately with this message),
    /// where COORDINATOR_NOT_AVAILABLE would have them retry until their timeout.
    func findCoordinator(_ request: FindCoordinatorRequest) -> FindCoordinatorResponse {
        guard request.keyType == 0 else {
            logger.warning(
                "transaction coordinator lookup refused: Souk does not offer transactions",
                metadata: ["kafka.transactional_id": "\(request.key)"])
            return FindCoordinatorResponse(
                errorCode: ErrorCode.transactionalIdAuthorizationFailed.rawValue,
                errorMessage: "Souk's broker does not support transactions (idempotent producers are supported)",
                nodeId: -1, host: "", port: -1)
        }
        return FindCoordinatorResponse(
            errorCode: ErrorCode.none.rawValue, errorMessage: nil, nodeId: configuration.nodeId,
            host: advertisedHost, port: advertisedPort)
    }
}
