import Kafka

extension RequestRouter {
    /// Resource types in DescribeConfigs and AlterConfigs.
    enum ConfigResource {
        static let topic: Int8 = 2
        static let broker: Int8 = 4
    }

    /// Config sources (v1+): set on the topic, or the broker's default.
    private enum ConfigSource {
        static let topic: Int8 = 1
        static let staticBroker: Int8 = 4
        static let `default`: Int8 = 5
    }

    /// Every topic config with its value and source; broker resources list the defaults.
    func describeConfigs(_ request: DescribeConfigsRequest) async -> DescribeConfigsResponse {
        var response = DescribeConfigsResponse()
        for resource in request.resources {
            var result = DescribeConfigsResponse.DescribeConfigsResult(
                resourceType: resource.resourceType, resourceName: resource.resourceName)
            let wanted = resource.configurationKeys.map(Set.init)
            var overrides: [String: String] = [:]
            switch resource.resourceType {
            case ConfigResource.topic:
                guard let topic = await registry.topic(resource.resourceName) else {
                    result.errorCode = ErrorCode.unknownTopicOrPartition.rawValue
                    result.errorMessage = "no topic '\(resource.resourceName)'"
                    response.results.append(result)
                    continue
                }
                overrides = topic.configs.overrides
            case ConfigResource.broker:
                break
            default:
                result.errorCode = ErrorCode.invalidRequest.rawValue
                result.errorMessage = "resource type \(resource.resourceType) is not supported"
                response.results.append(result)
                continue
            }
            for name in TopicConfigs.names where wanted?.contains(name) ?? true {
                let isOverride = overrides[name] != nil
                let value = overrides[name] ?? TopicConfigs.defaultValue(name, log: configuration.log)
                let source = isOverride ? ConfigSource.topic : ConfigSource.default
                var entry = DescribeConfigsResponse.DescribeConfigsResourceResult(
                    name: name, value: value, readOnly: resource.resourceType == ConfigResource.broker,
                    configSource: source, isSensitive: false)
                if request.includeSynonyms {
                    entry.synonyms = [.init(name: name, value: value, source: source)]
                }
                result.configs.append(entry)
            }
            response.results.append(result)
        }
        return response
    }
}
