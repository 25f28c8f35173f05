import NIOCore

/// The header in front of every request body (RequestHeader.json). v0: key, version, correlation id;
/// v1 adds the client id; v2 adds a tagged-field section. The client id stays a classic nullable
/// int16-length string even in v2 (its spec says `"flexibleVersions": "none"`).
package struct RequestHeader: Sendable, Equatable {
    /// The API this request calls, as a raw key (unknown keys are still decoded so the broker can answer).
    package var apiKey: Int16
    /// The version of the API's request and response layouts.
    package var apiVersion: Int16
    /// Echoed in the response so the client can match it.
    package var correlationId: Int32
    /// The client's self-chosen name (v1+); nil when the client sent null.
    package var clientId: String?

    package init(apiKey: Int16, apiVersion: Int16, correlationId: Int32, clientId: String? = nil) {
        self.apiKey = apiKey
        self.apiVersion = apiVersion
        self.correlationId = correlationId
        self.clientId = clientId
    }

    package init(apiKey: ApiKey, apiVersion: Int16, correlationId: Int32, clientId: String? = nil) {
        self.init(apiKey: apiKey.rawValue, apiVersion: apiVersion, correlationId: correlationId, clientId: clientId)
    }

    /// The known API, or nil for a key this codec does not know.
    package var knownApiKey: ApiKey? { ApiKey(rawValue: apiKey) }

    /// Decodes a header of the given version (0, 1 or 2).
    package init(from buffer: inout ByteBuffer, headerVersion: Int16) throws(WireError) {
        apiKey = try buffer.readKafkaInteger()
        apiVersion = try buffer.readKafkaInteger()
        correlationId = try buffer.readKafkaInteger()
        clientId = headerVersion >= 1 ? try buffer.readKafkaNullableString() : nil
        if headerVersion >= 2 { try buffer.readTaggedFields() }
    }

    /// Decodes a header whose version follows from its own api key and version (the usual case for a
    /// broker): peeks at the key and version, then reads the right header version. An unknown key or
    /// version is read as header v1, which every such request starts with, so the broker can still answer.
    package init(from buffer: inout ByteBuffer) throws(WireError) {
        guard let key = buffer.getInteger(at: buffer.readerIndex, as: Int16.self),
            let version = buffer.getInteger(at: buffer.readerIndex + 2, as: Int16.self)
        else { throw .truncated }
        let headerVersion = ApiKey(rawValue: key).map { HeaderVersions.request(for: $0, version: version) } ?? 1
        try self.init(from: &buffer, headerVersion: headerVersion)
    }

    /// Writes the header in the given version.
    package func encode(into buffer: inout ByteBuffer, headerVersion: Int16) {
        buffer.writeInteger(apiKey)
        buffer.writeInteger(apiVersion)
        buffer.writeInteger(correlationId)
        if headerVersion >= 1 { buffer.writeKafkaString(clientId) }
        if headerVersion >= 2 { buffer.writeEmptyTaggedFields() }
    }
}
