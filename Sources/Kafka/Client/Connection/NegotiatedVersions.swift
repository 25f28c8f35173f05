/// The API versions a broker offers (from its ApiVersions answer) and the choice of version per API:
/// min(client max, broker max), as long as it is within both ranges.
package struct NegotiatedVersions: Sendable, Equatable {
    /// The broker's range per API key.
    package var broker: [Int16: ClosedRange<Int16>]

    package init(broker: [Int16: ClosedRange<Int16>]) {
        self.broker = broker
    }

    package init(_ response: ApiVersionsResponse) {
        var broker: [Int16: ClosedRange<Int16>] = [:]
        for api in response.apiKeys where api.minVersion <= api.maxVersion {
            broker[api.apiKey] = api.minVersion...api.maxVersion
        }
        self.broker = broker
    }

    /// The version to use for `message`'s API; throws `.noCommonVersion` when there is none.
    package func version<M: KafkaMessage>(for message: M.Type) throws(KafkaClientError) -> Int16 {
        try version(for: M.apiKey, client: M.supportedVersions)
    }

    /// The version to use for `api` given the client's range.
    package func version(for api: ApiKey, client: ClosedRange<Int16>) throws(KafkaClientError) -> Int16 {
        guard let range = broker[api.rawValue] else {
            throw .noCommonVersion(api: api, client: client, broker: nil)
        }
        let chosen = min(client.upperBound, range.upperBound)
        guard chosen >= client.lowerBound, chosen >= range.lowerBound else {
            throw .noCommonVersion(api: api, client: client, broker: range)
        }
        return chosen
    }

    /// Whether the broker offers `api` in a version this client implements.
    package func supports<M: KafkaMessage>(_ message: M.Type) -> Bool {
        (try? version(for: message)) != nil
    }
}
