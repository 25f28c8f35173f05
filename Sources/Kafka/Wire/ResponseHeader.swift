import NIOCore

/// The header in front of every response body (ResponseHeader.json): the request's correlation id,
/// and in v1 a tagged-field section. ApiVersions responses always use v0.
package struct ResponseHeader: Sendable, Equatable {
    /// The correlation id of the request this answers.
    package var correlationId: Int32

    package init(correlationId: Int32) {
        self.correlationId = correlationId
    }

    /// Decodes a header of the given version (0 or 1), skipping any tagged fields.
    package init(from buffer: inout ByteBuffer, headerVersion: Int16) throws(WireError) {
        correlationId = try buffer.readKafkaInteger()
        if headerVersion >= 1 { try buffer.readTaggedFields() }
    }

    /// Writes the header in the given version.
    package func encode(into buffer: inout ByteBuffer, headerVersion: Int16) {
        buffer.writeInteger(correlationId)
        if headerVersion >= 1 { buffer.writeEmptyTaggedFields() }
    }
}
