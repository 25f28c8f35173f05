import Engine
import Foundation
import Storage

/// What a stream committed under a data directory, as files: the committed parts of a table
/// (`tables/<table>/date=*/hour=*/*.parquet`; parts in progress end in `.inprogress`), the newest
/// committed batch and the watermark it applied, and the dead-letter files of committed batches.
/// Blocking file I/O.
package struct DataDirectory: Sendable {
    /// The kinds of dead letters, by their directory under `deadletter/`.
    package enum DeadLetterKind: String, Sendable {
        case late, malformed
    }

    /// A committed part of a table and the hour its directory holds.
    package struct Part: Sendable, Equatable {
        package var path: String
        /// The first instant of the part's `date=…/hour=…` directory, µs since the epoch; nil when the
        /// directory names no hour (`__HIVE_DEFAULT_PARTITION__`).
        package var hourStartMicros: Int64?
    }

    package let path: String

    package init(path: String) {
        self.path = path
    }

    /// The committed parts of a table, in path order.
    package func parts(of table: String) throws(ReadModelError) -> [Part] {
        let root = "\(path)/tables/\(table)"
        var parts: [Part] = []
        for date in try entries(root) where date.hasPrefix("date=") {
            for hour in try entries("\(root)/\(date)") where hour.hasPrefix("hour=") {
                let start = Self.hourStart(date: date.dropFirst(5), hour: hour.dropFirst(5))
                for file in try entries("\(root)/\(date)/\(hour)") where file.hasSuffix(".parquet") {
                    parts.append(Part(path: "\(root)/\(date)/\(hour)/\(file)", hourStartMicros: start))
                }
            }
        }
        return parts
    }

    /// Whether `tables/<table>` exists.
    package func hasTable(_ table: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: "\(path)/tables/\(table)", isDirectory: &isDirectory)
            && isDirectory.boolValue
    }

    /// The newest committed batch of `job` (`checkpoints/<job>/commits/N`) and the watermark it applied
    /// (`offsets/N`); nils before the first commit.
    package func newestCommit(job: String) throws(ReadModelError) -> (batch: Int64, watermarkMicros: Int64)? {
        guard let batch = try newestCommittedBatch(job: job) else { return nil }
        return (batch, try watermark(job: job, batch: batch))
    }

    /// The newest committed batch of `job` (`checkpoints/<job>/commits/N`); nil before the first commit.
    package func newestCommittedBatch(job: String) throws(ReadModelError) -> Int64? {
        try entries("\(path)/checkpoints/\(job)/commits").compactMap({ Int64($0) }).max()
    }

    /// The watermark batch `batch` of `job` applied (`checkpoints/<job>/offsets/N`).
    package func watermark(job: String, batch: Int64) throws(ReadModelError) -> Int64 {
        let offsets = "\(path)/checkpoints/\(job)/offsets/\(batch)"
        guard let data = FileManager.default.contents(atPath: offsets) else {
            throw .corrupt(path: offsets, reason: "the offsets of committed batch \(batch) are missing")
        }
        do { return try JSONDecoder().decode(OffsetEntry.self, from: data).watermarkMicros } catch {
            throw .corrupt(path: offsets, reason: "\(error)")
        }
    }

    /// The dead-letter files (`deadletter/<kind>/batch-N.jsonl`) of batches up to `lastCommit`, by batch.
    package func deadLetterFiles(_ kind: DeadLetterKind, through lastCommit: Int64) throws(ReadModelError)
        -> [(batch: Int64, path: String)]
    {
        let directory = "\(path)/deadletter/\(kind.rawValue)"
        return try entries(directory).compactMap { name in
            guard name.hasPrefix("batch-"), name.hasSuffix(".jsonl"), let batch = Int64(name.dropFirst(6).dropLast(6)),
                batch <= lastCommit
            else { return nil }
            return (batch, "\(directory)/\(name)")
        }
    }

    /// The non-empty lines of a file.
    package static func lines(of path: String) throws(ReadModelError) -> [Data] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .io(path: path, reason: "cannot be read")
        }
        return data.split(separator: 0x0A).filter { !$0.isEmpty }
    }

    /// The names in a directory, sorted; none when it does not exist.
    package func entries(_ directory: String) throws(ReadModelError) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue
        else { return [] }
        do { return try FileManager.default.contentsOfDirectory(atPath: directory).sorted() } catch {
            throw .io(path: directory, reason: "\(error)")
        }
    }

    /// The first instant of hour directory `date=YYYY-MM-DD/hour=HH`, or nil when it names none.
    static func hourStart(date: Substring, hour: Substring) -> Int64? {
        guard hour.count == 2, let hourValue = Int64(hour), (0...23).contains(hourValue),
            let midnight = ISO8601Timestamp.parseMicros("\(date)T00:00Z")
        else { return nil }
        return midnight + hourValue * 3_600_000_000
    }
}
