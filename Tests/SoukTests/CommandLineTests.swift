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
        "a subcommand not built yet fails with one line naming its issue, whatever its arguments",
        arguments: [
            (["web"], "web", 5), (["analyze"], "analyze", 4),
            (["bench"], "bench", 3),
        ])
    func notBuilt(arguments: [String], name: String, issue: Int) async throws {
        var command = try #require(try SoukCommand.parseAsRoot(arguments) as? any AsyncParsableCommand)
        do {
            try await command.run()
            Issue.record("\(name) ran")
        } catch let failure as CommandFailure {
            #expect(failure.description == "souk \(name): \(failure.message)")
            #expect(failure.message.contains("not built yet"))
            #expect(failure.message.contains("issue #\(issue)"))
            #expect(!failure.description.contains("\n"))
        }
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
