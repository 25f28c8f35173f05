extension KafkaClusterClient {
    /// The connection to the coordinator of `groupId` (FindCoordinator with key type 0), retrying
    /// COORDINATOR_NOT_AVAILABLE and friends until the request timeout.
    package func coordinator(for groupId: String) async throws(KafkaClientError) -> KafkaConnection {
        let clock = ContinuousClock()
        let deadline = clock.now + configuration.requestTimeout
        var attempt = 0
        while true {
            let response = try await sendToAnyBroker(FindCoordinatorRequest(key: groupId, keyType: 0))
            let code = ErrorCode(rawValue: response.errorCode)
            if code == .none {
                return try await connection(to: BrokerAddress(host: response.host, port: Int(response.port)))
            }
            guard code.isRetriable, clock.now < deadline else {
                throw .broker(code, api: .findCoordinator, context: response.errorMessage ?? groupId)
            }
            let delay = Backoff(initial: configuration.reconnectBackoff, maximum: configuration.reconnectBackoffMax)
                .delay(attempt: attempt)
            do { try await Task.sleep(for: delay) } catch { throw .closed }
            attempt += 1
        }
    }
}
