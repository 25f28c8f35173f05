import NIOCore

/// A request or response body of one Kafka API, decodable and encodable in each of its supported versions.
///
/// Fields that do not exist in a version are skipped when encoding and take their spec default when
/// decoding, as Apache Kafka's generated code does for ignorable fields.
package protocol KafkaMessage: Sendable, Equatable {
    /// The API this message belongs to.
    static var apiKey: ApiKey { get }
    /// The versions Souk implements (and the broker advertises) for this API.
    static var supportedVersions: ClosedRange<Int16> { get }

    /// Decodes the body in `version`; throws `.unsupportedVersion` for a version outside `supportedVersions`.
    init(from buffer: inout ByteBuffer, version: Int16) throws(WireError)

    /// Encodes the body in `version`, which the caller has chosen from `supportedVersions`.
    func encode(into buffer: inout ByteBuffer, version: Int16)
}

/// A request body; `Response` is the body the broker answers it with.
package protocol KafkaRequest: KafkaMessage {
    associatedtype Response: KafkaResponse
}

/// A response body.
package protocol KafkaResponse: KafkaMessage {}

extension KafkaMessage {
    /// Decodes a body that must fill `buffer` exactly; leftover bytes throw `.trailingBytes`.
    package init(decodingWhole buffer: ByteBuffer, version: Int16) throws(WireError) {
        var buffer = buffer
        try self.init(from: &buffer, version: version)
        guard buffer.readableBytes == 0 else { throw .trailingBytes(buffer.readableBytes) }
    }

    /// The body encoded in `version` as a new buffer.
    package func encoded(version: Int16) -> ByteBuffer {
        var buffer = ByteBuffer()
        encode(into: &buffer, version: version)
        return buffer
    }

    /// Whether `version` uses flexible encodings (compact strings, tagged fields).
    package static func isFlexible(version: Int16) -> Bool {
        apiKey.firstFlexibleVersion.map { version >= $0 } ?? false
    }
}
