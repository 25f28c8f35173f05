import Kafka

extension RequestRouter {
    /// Hands out a producer id for idempotence. Transactional producers get a clear refusal.
    func initProducerId(_ request: InitProducerIdRequest) async -> InitProducerIdResponse {
        if request.transactionalId != nil {
            logger.warning(
                "transactional producer refused: Souk does not offer transactions",
                metadata: ["kafka.transactional_id": "\(request.transactionalId ?? "")"])
            return InitProducerIdResponse(
                errorCode: ErrorCode.transactionalIdAuthorizationFailed.rawValue, producerId: -1, producerEpoch: -1)
        }
        do {
            let id = try await producers.allocateProducerId()
            return InitProducerIdResponse(errorCode: ErrorCode.none.rawValue, producerId: id, producerEpoch: 0)
        } catch {
            logger.error("cannot save producer ids", metadata: ["error": "\(error)"])
            return InitProducerIdResponse(
                errorCode: ErrorCode.kafkaStorageError.rawValue, producerId: -1, producerEpoch: -1)
        }
    }
}
