import Kafka

extension RequestRouter {
    /// The APIs and versions Souk's broker advertises: the set of one Kafka release (2.4-era maxima).
    /// Produce is advertised from v0 because librdkafka before 2.11 (Debian's kcat) turns compression
    /// off unless the range contains v0; v0–2 requests are answered UNSUPPORTED_VERSION.
    static let advertised: [ApiKey: ClosedRange<Int16>] = [
        .produce: 0...8, .fetch: 4...11, .listOffsets: 1...5, .metadata: 1...8, .findCoordinator: 0...2,
        .apiVersions: 0...3, .createTopics: 2...4, .deleteTopics: 1...3, .initProducerId: 0...1,
        .describeConfigs: 1...3, .createPartitions: 0...1, .alterConfigs: 0...1, .incrementalAlterConfigs: 0...1,
        .deleteRecords: 0...1,
        .joinGroup: 0...5, .syncGroup: 0...3, .heartbeat: 0...3, .leaveGroup: 0...3, .offsetCommit: 2...7,
        .offsetFetch: 1...5, .describeGroups: 0...4, .listGroups: 0...5, .deleteGroups: 0...1,
        .offsetDelete: 0...0,
    ]

    private static var apiKeys: [ApiVersionsResponse.ApiVersion] {
        advertised.sorted { $0.key.rawValue < $1.key.rawValue }.map { key, range in
            ApiVersionsResponse.ApiVersion(
                apiKey: key.rawValue, minVersion: range.lowerBound, maxVersion: range.upperBound)
        }
    }

    func apiVersions(_ request: ApiVersionsRequest, version: Int16) -> ApiVersionsResponse {
        if version >= 3
            && !(Self.validSoftwareField(request.clientSoftwareName)
                && Self.validSoftwareField(request.clientSoftwareVersion))
        {
            return ApiVersionsResponse(errorCode: ErrorCode.invalidRequest.rawValue, apiKeys: Self.apiKeys)
        }
        return ApiVersionsResponse(errorCode: ErrorCode.none.rawValue, apiKeys: Self.apiKeys)
    }

    /// The answer to an ApiVersions version the broker does not know, in v0's layout.
    func unsupportedApiVersions() -> ApiVersionsResponse {
        ApiVersionsResponse(errorCode: ErrorCode.unsupportedVersion.rawValue, apiKeys: Self.apiKeys)
    }

    /// KIP-511: client software name and version are `[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?`.
    private static func validSoftwareField(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard let first = bytes.first, let last = bytes.last else { return true }
        func alphanumeric(_ byte: UInt8) -> Bool {
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
        }
        return alphanumeric(first) && alphanumeric(last)
            && bytes.allSatisfy { alphanumeric($0) || $0 == 0x2D || $0 == 0x2E }
    }
}
