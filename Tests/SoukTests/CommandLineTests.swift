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
        "a subcommand not built yet fails with one line naming what is missing, whatever its arguments",
        arguments: [
            (["bench"], "bench", "the load tool")
        ])
    func notBuilt(arguments: [String], name: String, missing: String) async throws {
        var command = try #require(try SoukCommand.parseAsRoot(arguments) as? any AsyncParsableCommand)
        do {
            try await command.run()
            Issue.record("\(name) ran")
        } catch let failure as CommandFailure {
            #expect(failure.description == "souk \(name): \(failure.message)")
            #expect(failure.message.hasPrefix("not built yet: "))
            #expect(failure.message.contains(missing))
            #expect(!failure.message.contains("#"), "user-facing text names no issue")
            #expect(!failure.description.contains("\n"))
        }
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
