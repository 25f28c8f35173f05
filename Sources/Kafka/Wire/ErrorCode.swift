/// A Kafka error code (the `ErrorCode` fields of responses). A struct rather than an enum so codes this
/// list does not name still round-trip. Numbers and names from Apache Kafka's `Errors.java` table.
package struct ErrorCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    package var rawValue: Int16

    package init(rawValue: Int16) {
        self.rawValue = rawValue
    }

    package static let unknownServerError = ErrorCode(rawValue: -1)
    package static let none = ErrorCode(rawValue: 0)
    package static let offsetOutOfRange = ErrorCode(rawValue: 1)
    package static let corruptMessage = ErrorCode(rawValue: 2)
    package static let unknownTopicOrPartition = ErrorCode(rawValue: 3)
    package static let invalidFetchSize = ErrorCode(rawValue: 4)
    package static let leaderNotAvailable = ErrorCode(rawValue: 5)
    package static let notLeaderOrFollower = ErrorCode(rawValue: 6)
    package static let requestTimedOut = ErrorCode(rawValue: 7)
    package static let messageTooLarge = ErrorCode(rawValue: 10)
    package static let offsetMetadataTooLarge = ErrorCode(rawValue: 12)
    package static let networkException = ErrorCode(rawValue: 13)
    package static let coordinatorLoadInProgress = ErrorCode(rawValue: 14)
    package static let coordinatorNotAvailable = ErrorCode(rawValue: 15)
    package static let notCoordinator = ErrorCode(rawValue: 16)
    package static let invalidTopicException = ErrorCode(rawValue: 17)
    package static let recordListTooLarge = ErrorCode(rawValue: 18)
    package static let notEnoughReplicas = ErrorCode(rawValue: 19)
    package static let invalidRequiredAcks = ErrorCode(rawValue: 21)
    package static let illegalGeneration = ErrorCode(rawValue: 22)
    package static let inconsistentGroupProtocol = ErrorCode(rawValue: 23)
    package static let invalidGroupId = ErrorCode(rawValue: 24)
    package static let unknownMemberId = ErrorCode(rawValue: 25)
    package static let invalidSessionTimeout = ErrorCode(rawValue: 26)
    package static let rebalanceInProgress = ErrorCode(rawValue: 27)
    package static let invalidCommitOffsetSize = ErrorCode(rawValue: 28)
    package static let topicAuthorizationFailed = ErrorCode(rawValue: 29)
    package static let groupAuthorizationFailed = ErrorCode(rawValue: 30)
    package static let clusterAuthorizationFailed = ErrorCode(rawValue: 31)
    package static let invalidTimestamp = ErrorCode(rawValue: 32)
    package static let unsupportedSaslMechanism = ErrorCode(rawValue: 33)
    package static let illegalSaslState = ErrorCode(rawValue: 34)
    package static let unsupportedVersion = ErrorCode(rawValue: 35)
    package static let topicAlreadyExists = ErrorCode(rawValue: 36)
    package static let invalidPartitions = ErrorCode(rawValue: 37)
    package static let invalidReplicationFactor = ErrorCode(rawValue: 38)
    package static let invalidReplicaAssignment = ErrorCode(rawValue: 39)
    package static let invalidConfig = ErrorCode(rawValue: 40)
    package static let notController = ErrorCode(rawValue: 41)
    package static let invalidRequest = ErrorCode(rawValue: 42)
    package static let unsupportedForMessageFormat = ErrorCode(rawValue: 43)
    package static let policyViolation = ErrorCode(rawValue: 44)
    package static let outOfOrderSequenceNumber = ErrorCode(rawValue: 45)
    package static let duplicateSequenceNumber = ErrorCode(rawValue: 46)
    package static let invalidProducerEpoch = ErrorCode(rawValue: 47)
    package static let invalidTxnState = ErrorCode(rawValue: 48)
    package static let invalidProducerIdMapping = ErrorCode(rawValue: 49)
    package static let invalidTransactionTimeout = ErrorCode(rawValue: 50)
    package static let concurrentTransactions = ErrorCode(rawValue: 51)
    package static let transactionalIdAuthorizationFailed = ErrorCode(rawValue: 53)
    package static let securityDisabled = ErrorCode(rawValue: 54)
    package static let operationNotAttempted = ErrorCode(rawValue: 55)
    package static let kafkaStorageError = ErrorCode(rawValue: 56)
    package static let logDirNotFound = ErrorCode(rawValue: 57)
    package static let unknownProducerId = ErrorCode(rawValue: 59)
    package static let invalidRecord = ErrorCode(rawValue: 87)
    package static let nonEmptyGroup = ErrorCode(rawValue: 68)
    package static let groupIdNotFound = ErrorCode(rawValue: 69)
    package static let fetchSessionIdNotFound = ErrorCode(rawValue: 70)
    package static let invalidFetchSessionEpoch = ErrorCode(rawValue: 71)
    package static let fencedLeaderEpoch = ErrorCode(rawValue: 74)
    package static let unknownLeaderEpoch = ErrorCode(rawValue: 75)
    package static let unsupportedCompressionType = ErrorCode(rawValue: 76)
    package static let staleBrokerEpoch = ErrorCode(rawValue: 77)
    package static let offsetNotAvailable = ErrorCode(rawValue: 78)
    package static let memberIdRequired = ErrorCode(rawValue: 79)
    package static let preferredLeaderNotAvailable = ErrorCode(rawValue: 80)
    package static let groupMaxSizeReached = ErrorCode(rawValue: 81)
    package static let fencedInstanceId = ErrorCode(rawValue: 82)
    package static let groupSubscribedToTopic = ErrorCode(rawValue: 86)
    package static let unstableOffsetCommit = ErrorCode(rawValue: 88)
    package static let throttlingQuotaExceeded = ErrorCode(rawValue: 89)
    package static let producerFenced = ErrorCode(rawValue: 90)
    package static let invalidUpdateVersion = ErrorCode(rawValue: 95)
    package static let unknownTopicId = ErrorCode(rawValue: 100)
    package static let inconsistentTopicId = ErrorCode(rawValue: 103)

    /// Whether a client may retry the request that got this error (Kafka's `RetriableException` set).
    package var isRetriable: Bool {
        Self.retriable.contains(self)
    }

    private static let retriable: Set<ErrorCode> = [
        .corruptMessage, .unknownTopicOrPartition, .leaderNotAvailable, .notLeaderOrFollower, .requestTimedOut,
        .networkException, .coordinatorLoadInProgress, .coordinatorNotAvailable, .notCoordinator,
        .notEnoughReplicas, .kafkaStorageError, .fetchSessionIdNotFound, .invalidFetchSessionEpoch,
        .fencedLeaderEpoch, .unknownLeaderEpoch, .offsetNotAvailable, .preferredLeaderNotAvailable,
        .unstableOffsetCommit, .throttlingQuotaExceeded, .concurrentTransactions, .unknownTopicId,
    ]

    /// Kafka's names of the codes this list knows (`Errors.java`), for messages people read.
    private static let names: [Int16: String] = [
        -1: "UNKNOWN_SERVER_ERROR",
        1: "OFFSET_OUT_OF_RANGE",
        2: "CORRUPT_MESSAGE",
        3: "UNKNOWN_TOPIC_OR_PARTITION",
        4: "INVALID_FETCH_SIZE",
        5: "LEADER_NOT_AVAILABLE",
        6: "NOT_LEADER_OR_FOLLOWER",
        7: "REQUEST_TIMED_OUT",
        10: "MESSAGE_TOO_LARGE",
        12: "OFFSET_METADATA_TOO_LARGE",
        13: "NETWORK_EXCEPTION",
        14: "COORDINATOR_LOAD_IN_PROGRESS",
        15: "COORDINATOR_NOT_AVAILABLE",
        16: "NOT_COORDINATOR",
        17: "INVALID_TOPIC_EXCEPTION",
        18: "RECORD_LIST_TOO_LARGE",
        19: "NOT_ENOUGH_REPLICAS",
        21: "INVALID_REQUIRED_ACKS",
        22: "ILLEGAL_GENERATION",
        23: "INCONSISTENT_GROUP_PROTOCOL",
        24: "INVALID_GROUP_ID",
        25: "UNKNOWN_MEMBER_ID",
        26: "INVALID_SESSION_TIMEOUT",
        27: "REBALANCE_IN_PROGRESS",
        28: "INVALID_COMMIT_OFFSET_SIZE",
        29: "TOPIC_AUTHORIZATION_FAILED",
        30: "GROUP_AUTHORIZATION_FAILED",
        31: "CLUSTER_AUTHORIZATION_FAILED",
        32: "INVALID_TIMESTAMP",
        33: "UNSUPPORTED_SASL_MECHANISM",
        34: "ILLEGAL_SASL_STATE",
        35: "UNSUPPORTED_VERSION",
        36: "TOPIC_ALREADY_EXISTS",
        37: "INVALID_PARTITIONS",
        38: "INVALID_REPLICATION_FACTOR",
        39: "INVALID_REPLICA_ASSIGNMENT",
        40: "INVALID_CONFIG",
        41: "NOT_CONTROLLER",
        42: "INVALID_REQUEST",
        43: "UNSUPPORTED_FOR_MESSAGE_FORMAT",
        44: "POLICY_VIOLATION",
        45: "OUT_OF_ORDER_SEQUENCE_NUMBER",
        46: "DUPLICATE_SEQUENCE_NUMBER",
        47: "INVALID_PRODUCER_EPOCH",
        48: "INVALID_TXN_STATE",
        49: "INVALID_PRODUCER_ID_MAPPING",
        50: "INVALID_TRANSACTION_TIMEOUT",
        51: "CONCURRENT_TRANSACTIONS",
        53: "TRANSACTIONAL_ID_AUTHORIZATION_FAILED",
        54: "SECURITY_DISABLED",
        55: "OPERATION_NOT_ATTEMPTED",
        56: "KAFKA_STORAGE_ERROR",
        57: "LOG_DIR_NOT_FOUND",
        59: "UNKNOWN_PRODUCER_ID",
        87: "INVALID_RECORD",
        68: "NON_EMPTY_GROUP",
        69: "GROUP_ID_NOT_FOUND",
        70: "FETCH_SESSION_ID_NOT_FOUND",
        71: "INVALID_FETCH_SESSION_EPOCH",
        74: "FENCED_LEADER_EPOCH",
        75: "UNKNOWN_LEADER_EPOCH",
        76: "UNSUPPORTED_COMPRESSION_TYPE",
        77: "STALE_BROKER_EPOCH",
        78: "OFFSET_NOT_AVAILABLE",
        79: "MEMBER_ID_REQUIRED",
        80: "PREFERRED_LEADER_NOT_AVAILABLE",
        81: "GROUP_MAX_SIZE_REACHED",
        82: "FENCED_INSTANCE_ID",
        86: "GROUP_SUBSCRIBED_TO_TOPIC",
        88: "UNSTABLE_OFFSET_COMMIT",
        89: "THROTTLING_QUOTA_EXCEEDED",
        90: "PRODUCER_FENCED",
        95: "INVALID_UPDATE_VERSION",
        100: "UNKNOWN_TOPIC_ID",
        103: "INCONSISTENT_TOPIC_ID",
    ]

    package var description: String { Self.names[rawValue].map { "\($0) (\(rawValue))" } ?? "error \(rawValue)" }
}
