/// How the client finds and talks to brokers; shared by the producer, the consumer and the group member.
package struct KafkaClientConfiguration: Sendable {
    /// `host:port` of brokers to ask for metadata first. Default: `["127.0.0.1:9092"]`.
    package var bootstrapServers: [String] = ["127.0.0.1:9092"]
    /// The client id sent in every request header. Default: `"souk"`.
    package var clientId = "souk"
    /// How long a request may wait for its response before the connection is closed. Default: 30 s.
    package var requestTimeout: Duration = .seconds(30)
    /// How long a TCP connect may take. Default: 10 s.
    package var connectTimeout: Duration = .seconds(10)
    /// First wait between two connection attempts to a broker; doubles each attempt. Default: 50 ms.
    package var reconnectBackoff: Duration = .milliseconds(50)
    /// Longest wait between two connection attempts. Default: 1 s.
    package var reconnectBackoffMax: Duration = .seconds(1)
    /// Connection attempts to one broker before an operation fails (callers retry further). Default: 6.
    package var connectAttempts = 6
    /// Largest response frame accepted. Default: 100 MiB.
    package var maxResponseBytes: Int32 = 100 * 1024 * 1024
    /// Whether Metadata requests ask the broker to create missing topics. Default: true.
    package var allowAutoTopicCreation = true

    package init() {}

    package init(bootstrapServers: [String]) {
        self.bootstrapServers = bootstrapServers
    }
}

/// A broker's network address.
package struct BrokerAddress: Hashable, Sendable, CustomStringConvertible {
    package var host: String
    package var port: Int

    package init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port` (IPv6 hosts in brackets); nil when malformed.
    package init?(parsing text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (1...65535).contains(port)
        else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { return nil }
        self.host = host
        self.port = port
    }

    package var description: String { "\(host):\(port)" }
}
