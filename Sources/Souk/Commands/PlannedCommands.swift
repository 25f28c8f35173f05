import ArgumentParser

/// A subcommand not built yet. It accepts any arguments so that the answer is always the same plain
/// "not built yet" line naming what is missing, not a usage error about flags.
protocol PlannedCommand: AsyncParsableCommand {
    static var name: String { get }
    static var what: String { get }
}

extension PlannedCommand {
    func run() async throws {
        throw CommandFailure.notBuilt(Self.name, what: Self.what)
    }
}

struct BenchCommand: PlannedCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Run the comparison benchmark harness (not built yet).")
    static let name = "bench", what = "the load tool for Kafka-compatible clusters"
    @Argument(parsing: .allUnrecognized) var arguments: [String] = []
}
