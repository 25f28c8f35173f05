import ArgumentParser

/// A subcommand whose implementation a later issue brings. It accepts any arguments so that the
/// answer is always the same plain "not built yet" line, not a usage error about flags.
protocol PlannedCommand: AsyncParsableCommand {
    static var name: String { get }
    static var issue: Int { get }
    static var what: String { get }
}

extension PlannedCommand {
    func run() async throws {
        throw CommandFailure.notBuilt(Self.name, issue: Self.issue, what: Self.what)
    }
}

struct WebCommand: PlannedCommand {
    static let configuration = CommandConfiguration(
        commandName: "web", abstract: "Serve the live dashboard (not built yet).")
    static let name = "web", issue = 5, what = "the dashboard, which follows the engine"
    @Argument(parsing: .allUnrecognized) var arguments: [String] = []
}

struct AnalyzeCommand: PlannedCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze", abstract: "Report on the Parquet tables (not built yet).")
    static let name = "analyze", issue = 4, what = "analysis of Parquet tables, which needs the Parquet reader"
    @Argument(parsing: .allUnrecognized) var arguments: [String] = []
}

struct BenchCommand: PlannedCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Run the comparison benchmark harness (not built yet).")
    static let name = "bench", issue = 3, what = "the benchmark harness, which drives the broker"
    @Argument(parsing: .allUnrecognized) var arguments: [String] = []
}
