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
