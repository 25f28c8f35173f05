import Hummingbird

/// `GET /api/stream`: Server-Sent Events. The newest `update` at once, then one after every batch
/// that changed something, and a comment line every 15 s as a heartbeat. The request's task ends
/// when the client goes away.
struct StreamRoute {
    let hub: UpdateHub
    var heartbeat: Duration = .seconds(15)

    private enum Event: Sendable {
        case update(UpdateHub.Update)
        case heartbeat
    }

    func register(on router: Router<BasicRequestContext>) {
        let hub = hub
        let heartbeat = heartbeat
        router.get("/api/stream") { request, _ -> Response in
            let headers: HTTPFields = [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-store"]
            return Response(
                status: .ok, headers: headers,
                body: ResponseBody { writer in
                    try await request.body.consumeWithCancellationOnInboundClose { _ in
                        try await Self.send(hub: hub, heartbeat: heartbeat, to: &writer)
                    }
                    try await writer.finish(nil)
                })
        }
    }

    /// Writes events until the hub stops or the task is cancelled (the client closed).
    private static func send(hub: UpdateHub, heartbeat: Duration, to writer: inout any ResponseBodyWriter)
        async throws
    {
        // A slow client holds at most a few events; older ones give way to the newest.
        let (events, sink) = AsyncStream.makeStream(of: Event.self, bufferingPolicy: .bufferingNewest(4))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await update in hub.subscribe() { sink.yield(.update(update)) }
                sink.finish()
            }
            group.addTask {
                while !Task.isCancelled {
                    try await Task.sleep(for: heartbeat)
                    sink.yield(.heartbeat)
                }
            }
            // The first event says how long to wait before reconnecting.
            try await writer.write(ByteBuffer(string: "retry: 2000\n\n"))
            for await event in events {
                switch event {
                case .update(let update):
                    try await writer.write(
                        ByteBuffer(string: "id: \(update.version)\nevent: update\ndata: \(update.json)\n\n"))
                case .heartbeat:
                    try await writer.write(ByteBuffer(string: ": heartbeat\n\n"))
                }
            }
            group.cancelAll()
        }
    }
}
