import Broker
import Kafka
import NIOCore
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite("Group coordinator: committed offsets")
struct GroupOffsetsTests {
    typealias Harness = GroupTestHarness

    static func commit(
        group: String = Harness.groupId, generation: Int32, member: String,
        _ offsets: [(topic: String, partition: Int32, offset: Int64, metadata: String?)]
    ) -> OffsetCommitRequest {
        let topics = Dictionary(grouping: offsets, by: \.topic).sorted { $0.key < $1.key }.map { topic, entries in
            OffsetCommitRequest.OffsetCommitRequestTopic(
                name: topic,
                partitions: entries.map {
                    .init(
                        partitionIndex: $0.partition, committedOffset: $0.offset, committedLeaderEpoch: 4,
                        committedMetadata: $0.metadata)
                })
        }
        return OffsetCommitRequest(
            groupId: group, generationIdOrMemberEpoch: generation, memberId: member, topics: topics)
    }

    static func errors(_ response: OffsetCommitResponse) -> [Int16] {
        response.topics.flatMap { $0.partitions.map(\.errorCode) }
    }

    static func fetch(
        _ coordinator: GroupCoordinator, group: String = Harness.groupId, _ topics: [(String, [Int32])]?,
        version: Int16 = 5
    ) async -> [String] {
        let request = OffsetFetchRequest(
            groupId: group, topics: topics?.map { .init(name: $0.0, partitionIndexes: $0.1) })
        let response = await coordinator.fetchOffsets(request, version: version)
        return response.topics.flatMap { topic in
            topic.partitions.map {
                "\(topic.name)/\($0.partitionIndex)=\($0.committedOffset) e\($0.committedLeaderEpoch) '\($0.metadata ?? "nil")' err\($0.errorCode)"
            }
        }
    }

    @Test("a member commits per partition with metadata and fetches it back; unknown partitions are -1")
    func commitThenFetch() async throws {
        let harness = try await Harness.make()
        let group = try await harness.formStableGroup(["a", "b"])
        let response = await harness.coordinator.commitOffsets(
            Self.commit(
                generation: group.generation, member: group.memberIds[1],
                [("orders", 0, 42, "host-b"), ("orders", 1, 7, nil), ("clicks", 3, 1_000, "")]))
        #expect(Self.errors(response) == [0, 0, 0])
        #expect(response.topics.map(\.name) == ["clicks", "orders"])

        let fetched = await Self.fetch(harness.coordinator, [("orders", [1, 0, 2]), ("clicks", [3])])
        #expect(
            fetched == [
                "orders/1=7 e4 '' err0", "orders/0=42 e4 'host-b' err0", "orders/2=-1 e-1 '' err0",
                "clicks/3=1000 e4 '' err0",
            ])
        // v2+: null topics means every committed offset of the group, by topic then partition.
        let all = await Self.fetch(harness.coordinator, nil)
        #expect(all == ["clicks/3=1000 e4 '' err0", "orders/0=42 e4 'host-b' err0", "orders/1=7 e4 '' err0"])
        // Another group sees nothing.
        #expect(await Self.fetch(harness.coordinator, group: "other", [("orders", [0])]) == ["orders/0=-1 e-1 '' err0"])
    }

    @Test("commits are accepted from the current generation while a rebalance is being prepared")
    func commitDuringPreparingRebalance() async throws {
        let harness = try await Harness.make()
        let group = try await harness.formStableGroup(["a", "b"])
        let leave = await harness.coordinator.leaveGroup(
            LeaveGroupRequest(groupId: Harness.groupId, members: [.init(memberId: group.memberIds[1])]), version: 3)
        #expect(leave.members.map(\.errorCode) == [0])
        #expect(await harness.describe()?.groupState == "PreparingRebalance")

        let accepted = await harness.coordinator.commitOffsets(
            Self.commit(generation: group.generation, member: group.memberIds[0], [("orders", 0, 99, nil)]))
        #expect(Self.errors(accepted) == [0])
        let stale = await harness.coordinator.commitOffsets(
            Self.commit(generation: group.generation - 1, member: group.memberIds[0], [("orders", 0, 1, nil)]))
        #expect(Self.errors(stale) == [ErrorCode.illegalGeneration.rawValue])
        let departed = await harness.coordinator.commitOffsets(
            Self.commit(generation: group.generation, member: group.memberIds[1], [("orders", 0, 1, nil)]))
        #expect(Self.errors(departed) == [ErrorCode.unknownMemberId.rawValue])
        #expect(await Self.fetch(harness.coordinator, [("orders", [0])]) == ["orders/0=99 e4 '' err0"])

        // After the rejoin the group waits for assignments: commits must wait for the new generation.
        let rejoined = await harness.coordinator.joinGroup(
            Harness.joinRequest(member: group.memberIds[0], client: "a"), version: 5, client: Harness.client("a"))
        #expect(rejoined.generationId == group.generation + 1)
        let completing = await harness.coordinator.commitOffsets(
            Self.commit(generation: rejoined.generationId, member: group.memberIds[0], [("orders", 0, 5, nil)]))
        #expect(Self.errors(completing) == [ErrorCode.rebalanceInProgress.rawValue])
    }

    @Test("standalone commits (generation -1, no member id) are accepted only for groups without members")
    func standaloneCommits() async throws {
        let harness = try await Harness.make()
        let standalone = await harness.coordinator.commitOffsets(
            Self.commit(group: "manual-assign", generation: -1, member: "", [("orders", 2, 314, "x")]))
        #expect(Self.errors(standalone) == [0])
        #expect(
            await Self.fetch(harness.coordinator, group: "manual-assign", [("orders", [2])]) == [
                "orders/2=314 e4 'x' err0"
            ])
        let listed = await harness.coordinator.listGroups(ListGroupsRequest())
        #expect(listed.groups.map(\.groupId) == ["manual-assign"])
        #expect(listed.groups.map(\.protocolType) == [""])

        // A positive generation for a group that does not exist is a stale member.
        let unknown = await harness.coordinator.commitOffsets(
            Self.commit(group: "never-formed", generation: 3, member: "m", [("orders", 0, 1, nil)]))
        #expect(Self.errors(unknown) == [ErrorCode.illegalGeneration.rawValue])

        _ = try await harness.formStableGroup(["a"])
        let intoActiveGroup = await harness.coordinator.commitOffsets(
            Self.commit(generation: -1, member: "", [("orders", 0, 1, nil)]))
        #expect(Self.errors(intoActiveGroup) == [ErrorCode.unknownMemberId.rawValue])
    }

    @Test("metadata longer than the limit is refused for that partition only")
    func metadataTooLarge() async throws {
        let harness = try await Harness.make { $0.maxOffsetMetadataBytes = 8 }
        let response = await harness.coordinator.commitOffsets(
            Self.commit(generation: -1, member: "", [("orders", 0, 1, "12345678"), ("orders", 1, 2, "123456789")]))
        #expect(Self.errors(response) == [0, ErrorCode.offsetMetadataTooLarge.rawValue])
        #expect(await Self.fetch(harness.coordinator, nil) == ["orders/0=1 e4 '12345678' err0"])
    }

    @Test("offsets of a group without members expire after the retention; a member's group keeps them")
    func retention() async throws {
        var harness = try await Harness.make {
            $0.offsetsRetention = .seconds(3600)
            $0.offsetsRetentionCheckInterval = .seconds(5)
        }
        let group = try await harness.formStableGroup(["a"])
        _ = await harness.coordinator.commitOffsets(
            Self.commit(group: "idle", generation: -1, member: "", [("orders", 0, 10, nil)]))
        _ = await harness.coordinator.commitOffsets(
            Self.commit(generation: group.generation, member: group.memberIds[0], [("orders", 0, 20, nil)]))
        // The member heartbeats every 5 s (its session is 10 s); offsets are checked at each 5 s step. "idle"
        // committed at 6 s: at 3,601 s its offset is 5 s short of an hour old, at 3,606 s it is gone.
        var heartbeats: Set<ErrorCode> = []
        for _ in 0..<719 {
            await harness.advance(by: .seconds(5))
            heartbeats.insert(await harness.heartbeat(group.memberIds[0], generation: group.generation))
        }
        #expect(await Self.fetch(harness.coordinator, group: "idle", nil) == ["orders/0=10 e4 '' err0"])
        await harness.advance(by: .seconds(5))
        heartbeats.insert(await harness.heartbeat(group.memberIds[0], generation: group.generation))
        #expect(await Self.fetch(harness.coordinator, group: "idle", nil) == [])
        // Another hour: the group with a member keeps its offsets however old they are.
        for _ in 0..<720 {
            await harness.advance(by: .seconds(5))
            heartbeats.insert(await harness.heartbeat(group.memberIds[0], generation: group.generation))
        }
        #expect(heartbeats == [.none])
        #expect(await Self.fetch(harness.coordinator, nil) == ["orders/0=20 e4 '' err0"])
        // The expiry is durable.
        try await harness.restart()
        #expect(await Self.fetch(harness.coordinator, group: "idle", nil) == [])
        #expect(await Self.fetch(harness.coordinator, nil) == ["orders/0=20 e4 '' err0"])
    }

    @Test("committed offsets survive a restart")
    func survivesRestart() async throws {
        var harness = try await Harness.make()
        let group = try await harness.formStableGroup(["a"])
        _ = await harness.coordinator.commitOffsets(
            Self.commit(
                generation: group.generation, member: group.memberIds[0],
                [("orders", 0, 5, "m0"), ("orders", 1, 6, nil)]))
        _ = await harness.coordinator.commitOffsets(
            Self.commit(generation: group.generation, member: group.memberIds[0], [("orders", 0, 8, "m1")]))
        try await harness.restart()
        #expect(await Self.fetch(harness.coordinator, nil) == ["orders/0=8 e4 'm1' err0", "orders/1=6 e4 '' err0"])
        // Membership is not persisted: the old member must join again.
        #expect(await harness.heartbeat(group.memberIds[0], generation: group.generation) == .unknownMemberId)
        let described = await harness.describe()
        #expect(described?.groupState == "Empty")
        #expect(described?.members.isEmpty == true)
    }

    @Test("offsets survive a restart after the log was compacted, and the log stays small")
    func survivesCompaction() async throws {
        var harness = try await Harness.make { $0.offsetsLog.compactionThresholdBytes = 512 }
        for round in 0..<200 {
            _ = await harness.coordinator.commitOffsets(
                Self.commit(generation: -1, member: "", [("orders", Int32(round % 4), Int64(round), "r\(round)")]))
        }
        let size = try Self.fileSize("\(harness.directory)/offsets.log")
        // 200 records of about 60 bytes each were appended; compaction keeps the file near 4 live records.
        #expect(size < 1_200)
        try await harness.restart()
        #expect(
            await Self.fetch(harness.coordinator, nil) == [
                "orders/0=196 e4 'r196' err0", "orders/1=197 e4 'r197' err0", "orders/2=198 e4 'r198' err0",
                "orders/3=199 e4 'r199' err0",
            ])
    }

    @Test("a torn last record is dropped on restart, earlier records are kept, and appends continue after them")
    func tornTail() async throws {
        var harness = try await Harness.make()
        _ = await harness.coordinator.commitOffsets(
            Self.commit(generation: -1, member: "", [("orders", 0, 1, "first")]))
        let path = "\(harness.directory)/offsets.log"
        let sizeAfterFirst = try Self.fileSize(path)
        _ = await harness.coordinator.commitOffsets(
            Self.commit(generation: -1, member: "", [("orders", 0, 2, "second")]))
        await harness.coordinator.shutdown()
        let fullSize = try Self.fileSize(path)
        #expect(truncate(path, off_t(fullSize - 3)) == 0)

        try await harness.restart()
        #expect(await Self.fetch(harness.coordinator, nil) == ["orders/0=1 e4 'first' err0"])
        #expect(try Self.fileSize(path) == sizeAfterFirst)
        _ = await harness.coordinator.commitOffsets(
            Self.commit(generation: -1, member: "", [("orders", 1, 3, "third")]))
        try await harness.restart()
        #expect(
            await Self.fetch(harness.coordinator, nil) == ["orders/0=1 e4 'first' err0", "orders/1=3 e4 'third' err0"])
    }

    @Test("a record with a bad checksum ends the replay")
    func corruptRecord() async throws {
        var harness = try await Harness.make()
        _ = await harness.coordinator.commitOffsets(Self.commit(generation: -1, member: "", [("orders", 0, 1, "keep")]))
        _ = await harness.coordinator.commitOffsets(Self.commit(generation: -1, member: "", [("orders", 0, 2, "flip")]))
        await harness.coordinator.shutdown()
        let path = "\(harness.directory)/offsets.log"
        // Flip a byte inside the last record's metadata ("flip" is followed by the 8-byte timestamp).
        let descriptor = open(path, O_RDWR)
        #expect(descriptor >= 0)
        var byte: UInt8 = 0
        let position = off_t(try Self.fileSize(path) - 10)
        #expect(pread(descriptor, &byte, 1, position) == 1)
        byte ^= 0xFF
        #expect(pwrite(descriptor, &byte, 1, position) == 1)
        close(descriptor)
        try await harness.restart()
        #expect(await Self.fetch(harness.coordinator, nil) == ["orders/0=1 e4 'keep' err0"])
    }

    static func fileSize(_ path: String) throws -> Int {
        var info = stat()
        guard stat(path, &info) == 0 else { throw HarnessError.noTemporaryDirectory }
        return Int(info.st_size)
    }
}
