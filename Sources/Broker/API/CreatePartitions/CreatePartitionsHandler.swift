import Kafka

extension RequestRouter {
    func createPartitions(_ request: CreatePartitionsRequest) async -> CreatePartitionsResponse {
        var response = CreatePartitionsResponse()
        for topic in request.topics {
            let (code, message) = await registry.addPartitions(
                topic.name, count: Int(topic.count), validateOnly: request.validateOnly)
            response.results.append(
                CreatePartitionsResponse.CreatePartitionsTopicResult(
                    name: topic.name, errorCode: code.rawValue, errorMessage: message))
        }
        return response
    }
}
