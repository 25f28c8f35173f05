import Foundation
import Kafka

extension RequestRouter {
    /// The operations of IncrementalAlterConfigs (KIP-339).
    enum ConfigOperation: Int8 {
        case set = 0
        case delete = 1
        case append = 2
        case subtract = 3
    }

    /// Topic configs that hold comma-separated lists, the only ones APPEND and SUBTRACT apply to.
    static let listConfigs: Set<String> = ["cleanup.policy"]

    /// Changes only the configs named (SET, DELETE; APPEND and SUBTRACT for list configs), keeping the
    /// others, with AlterConfigs' validation; a name twice in one resource is refused, as Kafka does.
    func incrementalAlterConfigs(_ request: IncrementalAlterConfigsRequest) async -> IncrementalAlterConfigsResponse {
        var response = IncrementalAlterConfigsResponse()
        for resource in request.resources {
            var result = IncrementalAlterConfigsResponse.AlterConfigsResourceResponse(
                errorMessage: nil, resourceType: resource.resourceType, resourceName: resource.resourceName)
            let (code, message): (ErrorCode, String?)
            if resource.resourceType != ConfigResource.topic {
                (code, message) = (.invalidRequest, "only topic configs can be altered")
            } else if Set(resource.configs.map(\.name)).count != resource.configs.count {
                (code, message) = (.invalidRequest, "a config is named more than once")
            } else {
                let changes = resource.configs
                let log = configuration.log
                (code, message) = await registry.updateConfigs(
                    resource.resourceName, validateOnly: request.validateOnly
                ) { configs in
                    Self.apply(changes, to: &configs) { TopicConfigs.defaultValue($0, log: log) }
                }
            }
            result.errorCode = code.rawValue
            result.errorMessage = message
            response.responses.append(result)
        }
        return response
    }

    /// Applies `changes` to a topic's overrides; an error when one cannot apply.
    static func apply(
        _ changes: [IncrementalAlterConfigsRequest.AlterableConfig], to configs: inout [String: String],
        defaultValue: (String) -> String?
    ) -> (ErrorCode, String)? {
        for change in changes {
            guard let operation = ConfigOperation(rawValue: change.configOperation) else {
                return (.invalidRequest, "unknown config operation \(change.configOperation) for \(change.name)")
            }
            switch operation {
            case .set:
                guard let value = change.value else { return (.invalidRequest, "SET \(change.name) without a value") }
                configs[change.name] = value
            case .delete:
                configs[change.name] = nil
            case .append, .subtract:
                guard listConfigs.contains(change.name) else {
                    return (.invalidConfig, "\(change.name) is not a list: APPEND and SUBTRACT apply to list configs")
                }
                let current = (configs[change.name] ?? defaultValue(change.name) ?? "")
                    .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                let items = (change.value ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                    .filter { !$0.isEmpty }
                let updated =
                    operation == .append
                    ? current + items.filter { !current.contains($0) } : current.filter { !items.contains($0) }
                configs[change.name] = updated.joined(separator: ",")
            }
        }
        return nil
    }
}
