import ArgumentParser
import Kafka
import Logging

/// `souk bench consume`: reads N records of a topic (every partition) from the earliest offset, or from
/// a group's committed offsets, and measures throughput and the time to the first record, as
/// `kafka-consumer-perf-test` does.
struct BenchConsumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consume", abstract: "Read records and measure throughput and time to the first record.",
        discussion: """
            Every partition of the topic is read, from the earliest offset, or with --group from the group's \
            committed offsets (the earliest where it has none), which are committed again at the end so the \
            next run goes on from there. The clock starts before the first request. Fails when --timeout \
            passes with no new record before --records were read.
            """)

    @Option(help: "Bootstrap servers, comma separated.") var bootstrap = "127.0.0.1:9092"
    @Option(help: "Topic to read.") var topic = "souk-bench"
    @Option(help: "Records to read.") var records = 1_000_000
    @Option(help: "Consumer group whose committed offsets to start from and commit.") var group: String?
    @Option(help: "Seconds without a new record before giving up.") var timeout = 10.0
    @Flag(help: "Print the result as JSON on stdout.") var json = false

    func validate() throws {
        try validateBootstrap(bootstrap)
        guard !topic.isEmpty, topic.utf8.count <= 249 else { throw ValidationError("--topic must be 1 to 249 bytes") }
        guard records > 0 else { throw ValidationError("--records must be positive") }
        if let group, group.isEmpty { throw ValidationError("--group is empty") }
        guard timeout > 0, timeout <= 86_400 else { throw ValidationError("--timeout must be from 0 to 86400 seconds") }
    }

    func run() async throws {
        var configuration = KafkaConsumerConfiguration(
            bootstrapServers: bootstrap.split(separator: ",").map(String.init), groupId: group)
        configuration.autoOffsetReset = .earliest
        configuration.client.allowAutoTopicCreation = false
        let load = ConsumerLoad(
            topic: topic, records: records, timeout: .seconds(timeout), configuration: configuration)
        let result = try await runShowingProgress(
            command: "bench consume", progress: { load.progressText }, { try await load.run() })
        writeToStandardOutput((json ? result.json : result.text) + "\n")
    }
}
