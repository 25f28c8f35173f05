/// Which request and response header version each (api, version) uses: flexible versions use request
/// header v2 and response header v1, others v1 and v0. ApiVersions responses always use header v0, so
/// that a client that does not yet know the broker's versions can read the answer.
package enum HeaderVersions {
    /// The request header version for `version` of `apiKey`.
    package static func request(for apiKey: ApiKey, version: Int16) -> Int16 {
        // ControlledShutdown v0 is the one request sent with header v0.
        if apiKey == .controlledShutdown && version == 0 { return 0 }
        return isFlexible(apiKey, version) ? 2 : 1
    }

    /// The response header version for `version` of `apiKey`.
    package static func response(for apiKey: ApiKey, version: Int16) -> Int16 {
        if apiKey == .apiVersions { return 0 }
        return isFlexible(apiKey, version) ? 1 : 0
    }

    private static func isFlexible(_ apiKey: ApiKey, _ version: Int16) -> Bool {
        apiKey.firstFlexibleVersion.map { version >= $0 } ?? false
    }
}
