import ArgumentParser
import Testing

@testable import Souk

@Suite("Command line")
struct CommandLineTests {
    static let subcommands = ["demo", "broker", "produce", "stream", "web", "analyze", "convert", "inspect", "bench"]

    @Test("the help lists every subcommand")
    func helpListsSubcommands() {
        let help = SoukCommand.helpMessage()
        for name in Self.subcommands {
            #expect(help.contains("\n  \(name) "), "help is missing \(name)")
        }
    }

    @Test("the version names the build")
    func version() {
        #expect(SoukCommand.configuration.version == "souk version 0.1.0")
    }

    @Test(
        "bad bench arguments are usage errors, values that would overflow included",
        arguments: [
            ["bench", "produce", "--records", "99999999999999999999"],
            ["bench", "produce", "--records", "0"],
            ["bench", "produce", "--bootstrap", "nohost"], ["bench", "produce", "--bootstrap", "h:70000"],
            ["bench", "produce", "--acks", "2"], ["bench", "produce", "--rate", "nan"],
            ["bench", "produce", "--record-size", "0"], ["bench", "produce", "--producers", "1000"],
            ["bench", "consume", "--timeout", "-1"], ["bench", "consume", "--records", "-5"],
        ])
    func benchArguments(arguments: [String]) {
        #expect(throws: (any Error).self) { _ = try SoukCommand.parseAsRoot(arguments) }
    }

    @Test("bench latency percentiles are nearest ranks over every latency")
    func latencyPercentiles() {
        let summary = LatencySummary(micros: (1...1000).map { UInt32($0 * 1000) }.shuffled())
        #expect(summary == LatencySummary(p50: 500, p99: 990, p999: 999, max: 1000))
        #expect(LatencySummary(micros: [7000]) == LatencySummary(p50: 7, p99: 7, p999: 7, max: 7))
        #expect(LatencySummary(micros: []) == LatencySummary(p50: 0, p99: 0, p999: 0, max: 0))
    }

    @Test(
        "bad analyze arguments are usage errors",
        arguments: [
            ["analyze", "--top", "0"], ["analyze", "--top", "99999999999999999999"], ["analyze", "--from", "noon"],
            ["analyze", "--from", "2026-12-02T12:00", "--to", "2026-12-02T11:00"], ["analyze", "--format", "pdf"],
            ["analyze", "--format", "csv"], ["analyze", "--section", "everything"], ["analyze", "--workers", "0"],
        ])
    func analyzeArguments(arguments: [String]) {
        #expect(throws: (any Error).self) { _ = try SoukCommand.parseAsRoot(arguments) }
    }

    @Test(
        "dashboard ports out of range are usage errors",
        arguments: [
            ["web", "--port", "70000"], ["web", "--port", "-1"], ["stream", "--web", "--web-port", "65536"],
            ["demo", "--web-port", "99999999999999999999"],
        ])
    func dashboardPorts(arguments: [String]) {
        #expect(throws: (any Error).self) { _ = try SoukCommand.parseAsRoot(arguments) }
    }

    @Test("an unknown subcommand is a usage error")
    func unknownSubcommand() {
        #expect(throws: (any Error).self) { _ = try SoukCommand.parseAsRoot(["teleport"]) }
    }

    @Test("the hidden codec command rejects an unknown codec")
    func unknownCodec() {
        #expect(throws: (any Error).self) {
            _ = try SoukCommand.parseAsRoot(["codec", "compress", "--codec", "brotli", "a", "b"])
        }
    }
}
