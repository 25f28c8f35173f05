import Foundation
import Storage

/// Writes refused records as JSON lines, one file per batch and kind (`deadletter/malformed/batch-N.jsonl`,
/// `deadletter/late/batch-N.jsonl`), replaced atomically: a replayed batch rewrites the same file
/// with the same content, so each refused record is written exactly once.
struct DeadLetterWriter: Sendable {
    let directory: String

    init(directory: String) throws(StreamError) {
        self.directory = directory
        do {
            try DurableFile.createDirectories(directory + "/malformed")
            try DurableFile.createDirectories(directory + "/late")
        } catch { throw .sink("cannot create \(directory): \(error)") }
    }

    private struct Line: Encodable {
        var batch: Int64
        var topic: String
        var partition: Int32
        var offset: Int64
        var reason: String
        var value: String
        var eventTime: String?
        var watermark: String?

        enum CodingKeys: String, CodingKey {
            case batch, topic, partition, offset, reason, value, watermark
            case eventTime = "event_time"
        }
    }

    func write(batch: Int64, malformed: [DeadLetter], late: [DeadLetter], watermarkMicros: Int64) throws(StreamError) {
        try write(batch: batch, kind: "malformed", malformed, watermarkMicros: nil)
        try write(batch: batch, kind: "late", late, watermarkMicros: watermarkMicros)
    }

    private func write(batch: Int64, kind: String, _ letters: [DeadLetter], watermarkMicros: Int64?) throws(StreamError)
    {
        guard !letters.isEmpty else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var bytes: [UInt8] = []
        for letter in letters {
            let line = Line(
                batch: batch, topic: letter.partition.topic, partition: letter.partition.partition,
                offset: letter.offset,
                reason: letter.reason, value: letter.value,
                eventTime: letter.eventTimeMicros.map { ISO8601Micros.format($0) },
                watermark: watermarkMicros.map { ISO8601Micros.format($0) })
            guard let encoded = try? encoder.encode(line) else { continue }
            bytes.append(contentsOf: encoded)
            bytes.append(0x0A)
        }
        let path = "\(directory)/\(kind)/batch-\(batch).jsonl"
        do { try DurableFile.replace(path, with: bytes) } catch { throw .sink("cannot write \(path): \(error)") }
    }
}

/// Event times as text in reports and dead letters.
enum ISO8601Micros {
    static func format(_ micros: Int64) -> String {
        micros == Int64.min ? "-infinity" : Storage.ISO8601Timestamp.format(micros: micros)
    }
}
