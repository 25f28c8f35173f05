import ArgumentParser
import Storage

#if canImport(Glibc)
    @preconcurrency import Glibc
#elseif canImport(Darwin)
    @preconcurrency import Darwin
#endif

/// `souk`: the root command. Every subcommand reports errors as one line on stderr with a
/// non-zero exit status, prints pure JSON on stdout with `--json`, and logs to stderr.
struct SoukCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "souk",
        abstract:
            "Real-time e-commerce analytics in one binary: Kafka-compatible broker, stream engine, Parquet, dashboard.",
        version: "souk version \(SoukVersion.current)",
        subcommands: [
            DemoCommand.self, BrokerCommand.self, ProduceCommand.self, StreamCommand.self, WebCommand.self,
            AnalyzeCommand.self, CompactCommand.self, ConvertCommand.self, InspectCommand.self, BenchCommand.self,
            CodecCommand.self,
        ]
    )
}

@main
enum SoukMain {
    static func main() async {
        AllocatorPolicy.retainFreedMemory()
        // Line by line even into a pipe or a file, so `souk demo | tee` shows each line when it is printed.
        setvbuf(stdout, nil, _IOLBF, 0)
        do {
            var command = try SoukCommand.parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let failure as CommandFailure {
            CommandFailure.report(failure)
        } catch {
            SoukCommand.exit(withError: error)
        }
    }
}
