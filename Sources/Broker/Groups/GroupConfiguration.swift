/// Settings of the consumer-group coordinator, named after the Apache Kafka broker settings they mirror.
package struct GroupConfiguration: Sendable {
    /// How long the first rebalance of an empty group waits for more members, extended once per delay while
    /// members keep arriving, up to the rebalance timeout (`group.initial.rebalance.delay.ms`). Zero completes
    /// the first rebalance as soon as every known member has joined. Default: 3 seconds.
    package var initialRebalanceDelay: Duration = .seconds(3)
    /// Smallest session timeout a member may ask for (`group.min.session.timeout.ms`); smaller ones get
    /// INVALID_SESSION_TIMEOUT. Default: 6 seconds.
    package var minSessionTimeout: Duration = .seconds(6)
    /// Largest session timeout a member may ask for (`group.max.session.timeout.ms`). Default: 30 minutes.
    package var maxSessionTimeout: Duration = .seconds(30 * 60)
    /// Committed offsets of a group without members are dropped this long after their commit
    /// (`offsets.retention.minutes`); `nil` keeps them forever. Default: 7 days.
    package var offsetsRetention: Duration? = .seconds(7 * 24 * 3600)
    /// How often expired offsets are looked for (`offsets.retention.check.interval.ms`). Default: 10 minutes.
    package var offsetsRetentionCheckInterval: Duration = .seconds(600)
    /// Longest metadata string stored with a committed offset (`offset.metadata.max.bytes`); longer ones get
    /// OFFSET_METADATA_TOO_LARGE. Default: 4096. Values above `OffsetsLogRecord.maxMetadataBytes` (about 1 MiB)
    /// act as that limit.
    package var maxOffsetMetadataBytes = 4096
    /// Period of the timer loop in `GroupCoordinator.run()` that expires sessions and rebalance deadlines.
    /// Default: 100 milliseconds.
    package var timerInterval: Duration = .milliseconds(100)
    /// The offsets log's settings.
    package var offsetsLog = OffsetsLogConfiguration()

    package init() {}
}

/// Settings of the committed-offsets log.
package struct OffsetsLogConfiguration: Sendable {
    /// The log is rewritten with only the live offsets once it is larger than this and than twice its size
    /// after the previous rewrite. Default: 16 MiB.
    package var compactionThresholdBytes = 16 * 1024 * 1024
    /// Whether each append is fsynced before the commit is acknowledged. Default: true.
    package var fsyncEachAppend = true

    package init() {}
}
