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

    package var description: String { "error \(rawValue)" }
}
