import Kafka

extension RequestRouter {
    /// This broker coordinates every group. Transactions are not offered.
    func findCoordinator(_ request: FindCoordinatorRequest) -> FindCoordinatorResponse {
        guard request.keyType == 0 else {
            return FindCoordinatorResponse(
                errorCode: ErrorCode.coordinatorNotAvailable.rawValue,
                errorMessage: "Souk does not offer transactions", nodeId: -1, host: "", port: -1)
        }
        return FindCoordinatorResponse(
            errorCode: ErrorCode.none.rawValue, errorMessage: nil, nodeId: configuration.nodeId,
            host: advertisedHost, port: advertisedPort)
    }
}
