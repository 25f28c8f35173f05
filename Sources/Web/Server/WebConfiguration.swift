/// Where the dashboard listens and what it shows besides the read model.
package struct WebConfiguration: Sendable {
    /// Address to listen on. Default: 127.0.0.1 (this machine only).
    package var host = "127.0.0.1"
    /// Port. Default: 5000, the original dashboard's port; 0 picks a free one.
    package var port = 5000
    /// The Kafka bootstrap `/api/broker` describes; nil answers that route with 404.
    package var bootstrap: String?
    /// How often the source is checked for a change. Default: 25 ms (the live view).
    package var pollInterval: Duration = .milliseconds(25)
    /// How long a graceful shutdown waits for open responses before it cuts them. Default: 5 s.
    package var shutdownGrace: Duration = .seconds(5)

    package init() {}
}
