import Foundation
import Storage

/// A job's checkpoint directory, as Spark lays it out: `offsets/N` written when batch N's commit
/// starts, before any of its side effects (the batch was computed in memory, and a replay computes it
/// again the same from these offsets), `state/N` (the operator state after batch N) and `commits/N`
/// after its sinks committed. Every file is replaced atomically (temporary file, fsync, rename, fsync
/// of the directory). Only the newest `retainedBatches` entries are kept.
///
/// Blocking file I/O: call it off the cooperative pool.
public struct CheckpointLog: Sendable {
    public let directory: String
    public let retainedBatches: Int64

    public init(directory: String, retainedBatches: Int64 = 100) throws(StreamError) {
        self.directory = directory
        self.retainedBatches = max(2, retainedBatches)
        do {
            for sub in ["offsets", "commits", "state"] { try DurableFile.createDirectories(directory + "/" + sub) }
        } catch { throw .checkpoint("cannot create \(directory): \(error)") }
    }

    /// What recovery needs: the newest committed batch and the newest planned one.
    public struct Recovered: Sendable {
        public var lastCommit: CommitEntry?
        /// The newest `offsets/N`; when newer than the last commit, batch N must be replayed.
        public var lastOffsets: OffsetEntry?
        /// The state saved with the last commit.
        public var state: [UInt8]?
        /// `offsets/C` of the last commit C (where the next batch starts).
        public var committedOffsets: OffsetEntry?
    }

    public func recover() throws(StreamError) -> Recovered {
        let commits = batchIds("commits")
        let offsets = batchIds("offsets")
        var recovered = Recovered()
        if let last = commits.last {
            recovered.lastCommit = try decode(CommitEntry.self, "commits", last)
            recovered.committedOffsets = try decode(OffsetEntry.self, "offsets", last)
            recovered.state = try read("state", last)
            guard recovered.committedOffsets != nil else {
                throw .checkpoint("commits/\(last) exists but offsets/\(last) does not")
            }
        }
        if let last = offsets.last { recovered.lastOffsets = try decode(OffsetEntry.self, "offsets", last) }
        if let planned = recovered.lastOffsets, let committed = recovered.lastCommit,
            planned.batchId > committed.batchId + 1
        {
            throw .checkpoint("offsets/\(planned.batchId) is ahead of commits/\(committed.batchId) by more than one")
        }
        return recovered
    }

    public func writeOffsets(_ entry: OffsetEntry) throws(StreamError) {
        try write(entry, "offsets", entry.batchId)
    }

    public func writeState(_ bytes: [UInt8], batchId: Int64) throws(StreamError) {
        do {
            try DurableFile.replace(path("state", batchId), with: bytes)
        } catch { throw .checkpoint("cannot write state/\(batchId): \(error)") }
    }

    /// Writes `commits/N`, then removes entries older than the retained window (state files: only the
    /// newest two are ever needed).
    public func writeCommit(_ entry: CommitEntry) throws(StreamError) {
        try write(entry, "commits", entry.batchId)
        let oldest = entry.batchId - retainedBatches + 1
        for sub in ["offsets", "commits"] {
            for id in batchIds(sub) where id < oldest { DurableFile.remove(path(sub, id)) }
        }
        for id in batchIds("state") where id < entry.batchId - 1 { DurableFile.remove(path("state", id)) }
    }

    /// Batch ids present in a sub-directory, ascending (temporary files ignored).
    public func batchIds(_ sub: String) -> [Int64] {
        (DurableFile.list(directory + "/" + sub) ?? []).compactMap { Int64($0) }.sorted()
    }

    private func path(_ sub: String, _ id: Int64) -> String { "\(directory)/\(sub)/\(id)" }

    private func read(_ sub: String, _ id: Int64) throws(StreamError) -> [UInt8]? {
        do {
            return try DurableFile.contents(of: path(sub, id))
        } catch { throw .checkpoint("cannot read \(sub)/\(id): \(error)") }
    }

    private func decode<T: Decodable>(_ type: T.Type, _ sub: String, _ id: Int64) throws(StreamError) -> T? {
        guard let bytes = try read(sub, id) else { return nil }
        do {
            return try JSONDecoder().decode(T.self, from: Data(bytes))
        } catch { throw .checkpoint("\(sub)/\(id) is not a valid entry: \(error)") }
    }

    private func write<T: Encodable>(_ value: T, _ sub: String, _ id: Int64) throws(StreamError) {
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let bytes = try encoder.encode(value)
            try DurableFile.replace(path(sub, id), with: Array(bytes))
        } catch { throw .checkpoint("cannot write \(sub)/\(id): \(error)") }
    }
}
