/// Where the dashboard listens and what it shows besides the read model.
package struct WebConfiguration: Sendable {
    /// Address to listen on. Default: 127.0.0.1 (this machine only).
    package var host = "127.0.0.1"
    /// Port. Default: 5000, the original dashboard's port; 0 picks a free one.
    package var port = 5000
    /// The Kafka bootstrap `/api/broker` describes; nil answers that route with 404.
    package var bootstrap: String?
    /// How often a source that cannot push its changes (the committed tables) is checked. Default: 1 s.
    package var pollInterval: Duration = .seconds(1)
    /// How long a graceful shutdown waits for open responses before it cuts them. Default: 5 s.
    package var shutdownGrace: Duration = .seconds(5)
    /// How long a connection may stay without a request in progress (between keep-alive requests, in
    /// the middle of sending one, or after a refused one) before the server closes it; an event stream
    /// being answered is never idle. Default: 5 s.
    package var idleTimeout: Duration = .seconds(5)

    package init() {}
}
