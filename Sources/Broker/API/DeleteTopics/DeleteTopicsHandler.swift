import Kafka

extension RequestRouter {
    func deleteTopics(_ request: DeleteTopicsRequest) async -> DeleteTopicsResponse {
        var response = DeleteTopicsResponse()
        for name in request.topicNames {
            let code = await registry.delete(name)
            if code == .none { await producers.forget(topic: name) }
            response.responses.append(DeleteTopicsResponse.DeletableTopicResult(name: name, errorCode: code.rawValue))
        }
        return response
    }
}
