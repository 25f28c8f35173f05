import Kafka

extension RequestRouter {
    /// Replaces a topic's config overrides (the legacy AlterConfigs semantics: unnamed configs reset).
    func alterConfigs(_ request: AlterConfigsRequest) async -> AlterConfigsResponse {
        var response = AlterConfigsResponse()
        for resource in request.resources {
            var result = AlterConfigsResponse.AlterConfigsResourceResponse(
                resourceType: resource.resourceType, resourceName: resource.resourceName)
            if resource.resourceType == ConfigResource.topic {
                var configs: [String: String] = [:]
                for config in resource.configs { configs[config.name] = config.value }
                let (code, message) = await registry.setConfigs(
                    resource.resourceName, configs, validateOnly: request.validateOnly)
                result.errorCode = code.rawValue
                result.errorMessage = message
            } else {
                result.errorCode = ErrorCode.invalidRequest.rawValue
                result.errorMessage = "only topic configs can be altered"
            }
            response.responses.append(result)
        }
        return response
    }
}
