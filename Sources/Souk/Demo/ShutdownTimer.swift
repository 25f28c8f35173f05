import ServiceLifecycle

/// Ends after `duration` unless the group shuts down first; as a service whose success shuts the group
/// down gracefully, it gives `souk demo --duration` the same ending as Ctrl-C.
struct ShutdownTimer: Service {
    let duration: Duration

    func run() async throws {
        try? await cancelWhenGracefulShutdown { try await Task.sleep(for: duration) }
    }
}
