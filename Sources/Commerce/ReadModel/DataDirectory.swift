import Engine
import Foundation
import Storage

/// What a stream committed under a data directory, as files: the committed parts of a table (the live
/// files of its Delta log, `tables/<table>/_delta_log/`), the newest
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

    /// The committed parts of a table, in path order: the live files of the newest version of its Delta
    /// log (a part the newest version added shows once the stream has renamed it from its `.inprogress`
    /// name, a moment after the commit, as a glob sees it). A table an older Souk wrote (`_souk_manifest/`, no Delta log) is refused
    /// with how to convert it; a table without either has no parts yet.
    package func parts(of table: String) throws(ReadModelError) -> [Part] {
        let root = "\(path)/tables/\(table)"
        let log = DeltaLog(table: root)
        guard log.exists, !log.versions().isEmpty else {
            if FileManager.default.fileExists(atPath: root + "/_souk_manifest") {
                throw .corrupt(
                    path: root,
                    reason:
                        "written by an older Souk (_souk_manifest/, no Delta log): run `souk stream --data-dir \(path)` "
                        + "once to convert it")
            }
            return []
        }
        let snapshot: DeltaSnapshot
        do { snapshot = try log.snapshot() } catch { throw .corrupt(path: log.directory, reason: "\(error)") }
        var parts: [Part] = []
        for relative in snapshot.files.keys.sorted() {
            let file = "\(root)/\(relative)"
            if !FileManager.default.fileExists(atPath: file) {
                // Committed a moment ago and about to be renamed: seen at the next look, as a glob sees it.
                if FileManager.default.fileExists(atPath: file + ".inprogress") { continue }
                throw .corrupt(path: file, reason: "the Delta log names this part, which is missing")
            }
            let directories = relative.split(separator: "/").dropLast()
            let date = directories.first { $0.hasPrefix("date=") }?.dropFirst(5) ?? ""
            let hour = directories.first { $0.hasPrefix("hour=") }?.dropFirst(5) ?? ""
            parts.append(Part(path: file, hourStartMicros: Self.hourStart(date: date, hour: hour)))
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
