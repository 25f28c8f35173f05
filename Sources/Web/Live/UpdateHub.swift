import Commerce
import Foundation
import Logging
import ServiceLifecycle
import Storage

/// Watches the dashboard source and, whenever it changed, encodes one `update` event (the read model
/// and the status) once and hands it to every subscriber.
///
/// Each subscriber holds at most the newest event not sent yet (`bufferingNewest(1)`): a slow or
/// abandoned client skips to the newest state instead of growing a queue, and never slows the
/// engine or the other clients. A `Service`: it runs until the group shuts down.
package final class UpdateHub: Service, Sendable {
    /// One `update` event's JSON, the read model it shows, and the source version.
    package struct Update: Sendable {
        package var version: Int
        package var json: String
        /// The default snapshot (an hour of windows, the top 10), for the routes to answer from.
        package var snapshot: CommerceSnapshot
    }

    private struct State {
        var subscribers: [Int: AsyncStream<Update>.Continuation] = [:]
        var nextId = 0
        var latest: Update?
        /// Encoded route answers of the latest version, by route and query.
        var bodies: [String: String] = [:]
        var bodiesVersion = -1
        var stopped = false
    }

    package let source: any DashboardSource
    private let interval: Duration
    private let logger: Logger
    private let state = Locked(State())

    /// `interval`: how often a source that cannot push its changes (the tables) is checked; the live
    /// view pushes them.
    package init(source: any DashboardSource, interval: Duration, logger: Logger) {
        self.source = source
        self.interval = interval
        self.logger = logger
    }

    /// Subscribers connected now.
    package var subscriberCount: Int { state.withLock { $0.subscribers.count } }

    /// A stream of updates starting with the newest one; it ends when `onTermination` runs (the
    /// client went away) or the hub stops.
    package func subscribe() -> AsyncStream<Update> {
        let (stream, continuation) = AsyncStream.makeStream(of: Update.self, bufferingPolicy: .bufferingNewest(1))
        let id = state.withLock { state -> Int? in
            guard !state.stopped else { return nil }
            let id = state.nextId
            state.nextId += 1
            state.subscribers[id] = continuation
            if let latest = state.latest { continuation.yield(latest) }
            return id
        }
        guard let id else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.subscribers.removeValue(forKey: id) }
        }
        return stream
    }

    /// The newest update, building one when none was built yet or the source moved on since
    /// (the routes then answer what the next event will show).
    package func current() async -> Update {
        let version = await source.version()
        if let latest = state.withLock({ $0.latest }), latest.version == version { return latest }
        return await publish(version: version)
    }

    /// The JSON a route answers from the newest snapshot, encoded once per version of the source
    /// whatever the number of requests.
    package func body(for key: String, _ encode: (CommerceSnapshot) throws -> String) async throws -> String {
        let update = await current()
        if let cached = state.withLock({ $0.bodiesVersion == update.version ? $0.bodies[key] : nil }) {
            return cached
        }
        let body = try encode(update.snapshot)
        state.withLock { state in
            if state.bodiesVersion != update.version { (state.bodies, state.bodiesVersion) = ([:], update.version) }
            state.bodies[key] = body
        }
        return body
    }

    package func run() async throws {
        var seen = -1
        if let changes = source.changes() {
            // Pushed: an update goes out as soon as the source says it changed.
            for await version in changes.cancelOnGracefulShutdown() where version != seen {
                seen = version
                await publish(version: version)
            }
            stop()
            return
        }
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                _ = try await source.refresh()
            } catch {
                logger.error("cannot read the tables", metadata: ["error": "\(error)"])
            }
            let version = await source.version()
            if version != seen {
                seen = version
                await publish(version: version)
            }
            try? await Task.sleep(for: interval)
        }
        stop()
    }

    /// Ends every subscription (their event streams close) and refuses new ones: the server's
    /// graceful shutdown then has no endless response to wait for.
    package func stop() {
        let subscribers = state.withLock { state in
            state.stopped = true
            defer { state.subscribers = [:] }
            return Array(state.subscribers.values)
        }
        for subscriber in subscribers { subscriber.finish() }
    }

    @discardableResult
    private func publish(version: Int) async -> Update {
        let now = Self.nowMicros()
        let snapshot = await source.snapshot(
            windowMinutes: CommerceSnapshot.defaultWindowMinutes, topCount: CommerceSnapshot.defaultTopCount,
            asOfMicros: now)
        let status = await source.status(asOfMicros: now)
        let json: String
        do {
            json = try OrderedJSONEncoder().encode(UpdateEvent(snapshot: snapshot, status: status))
        } catch {
            json = #"{"error":"cannot encode the update"}"#
        }
        let update = Update(version: version, json: json, snapshot: snapshot)
        // A request and the watch loop can build the same version at once: it is sent once.
        let subscribers = state.withLock { state -> [AsyncStream<Update>.Continuation] in
            if let latest = state.latest, latest.version >= version { return [] }
            state.latest = update
            return Array(state.subscribers.values)
        }
        for subscriber in subscribers { subscriber.yield(update) }
        return update
    }

    static func nowMicros() -> Int64 { Int64((Date().timeIntervalSince1970 * 1_000_000).rounded(.down)) }
}

/// The `update` event: the read model's fields followed by the status, in one object.
struct UpdateEvent: Encodable {
    var snapshot: CommerceSnapshot
    var status: DashboardStatus

    private enum CodingKeys: String, CodingKey {
        case status
    }

    func encode(to encoder: any Encoder) throws {
        try snapshot.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(status, forKey: .status)
    }
}
