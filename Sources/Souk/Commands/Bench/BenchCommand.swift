import ArgumentParser
import Kafka

/// `souk bench`: load for any Kafka-compatible cluster (Souk's broker, Apache Kafka, Redpanda), on Souk's
/// own client, measured as Kafka's `kafka-producer-perf-test` and `kafka-consumer-perf-test` measure.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Measure a Kafka-compatible cluster: produce or consume load.",
        discussion: """
            Works against Souk's broker, Apache Kafka or Redpanda. Results go to stdout (--json for \
            programs); a progress line goes to stderr on a terminal. MB are 2^20 bytes of record values \
            (and keys), as Kafka's perf tools count them.
            """,
        subcommands: [BenchProduceCommand.self, BenchConsumeCommand.self])
}

/// Checks a `--bootstrap` list: comma-separated `host:port`, each parsable.
func validateBootstrap(_ bootstrap: String) throws {
    let servers = bootstrap.split(separator: ",").map(String.init)
    guard !servers.isEmpty else { throw ValidationError("--bootstrap is empty") }
    for server in servers where BrokerAddress(parsing: server) == nil {
        throw ValidationError("--bootstrap: '\(server)' is not host:port")
    }
}

/// Runs a load, redrawing `progress()` on stderr every second while it runs when stderr is a terminal
/// (nothing otherwise); a failure becomes the one line `souk <command>: <error>`.
func runShowingProgress<Result: Sendable>(
    command: String, progress: @escaping @Sendable () -> String, _ load: () async throws -> Result
) async throws -> Result {
    let status = StatusLine()
    let outcome: Swift.Result<Result, any Error> = await withTaskGroup(of: Void.self) { group in
        if status.interactive {
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: status.interval)
                    if Task.isCancelled { return }
                    status.show("souk \(command): \(progress())")
                }
            }
        }
        defer { group.cancelAll() }
        do {
            return .success(try await load())
        } catch {
            return .failure(error)
        }
    }
    status.clear()
    switch outcome {
    case .success(let result): return result
    case .failure(let error): throw CommandFailure(command: command, message: "\(error)")
    }
}
