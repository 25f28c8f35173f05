import Engine
import Storage

/// The map side of the e-commerce job for one decoded chunk: totals over every valid row, late rows
/// set aside, and revenue pre-aggregated per (window, dimension value) over the on-time rows, keyed
/// by key group. Dimension values are interned per chunk (`SummaryAccumulator`), so the per-row
/// work is a hash of a few bytes and array updates; strings are made once per distinct value.
struct CommerceMapper {
    let window: TumblingWindow
    let watermarkMicros: Int64
    let keyGroups: Int

    mutating func map(_ batch: JSONColumnDecoder.Batch, chunk: SourceChunk) -> MapOutput<
        CommerceJob.Partial, CommerceSummary
    > {
        let lineStarts = batch.malformed.isEmpty ? [] : Self.lineStarts(chunk)
        func text(ofLine line: Int) -> String {
            guard line + 1 < lineStarts.count else { return chunk.line(line) }
            return chunk.text(lineStarts[line]..<(lineStarts[line + 1] - 1))
        }
        let empty = Set(chunk.emptyLines)
        let malformed = batch.malformed.map {
            empty.contains($0.line)
                ? DeadLetter(
                    partition: chunk.partition, offset: chunk.offsets[$0.line], reason: "empty record", value: "")
                : DeadLetter(
                    partition: chunk.partition, offset: chunk.offsets[$0.line], reason: $0.reason,
                    value: text(ofLine: $0.line))
        }
        guard batch.rowCount > 0, let rows = TransactionColumns(batch.columns) else {
            return MapOutput(
                partition: chunk.partition, rows: [], rowCount: 0, malformed: malformed, late: [], maxEventMicros: nil,
                minEventMicros: nil, partials: [:], summary: CommerceSummary())
        }

        // Every valid row counts in the totals; only on-time rows go to their window.
        var accumulator = SummaryAccumulator()
        var windows = WindowAccumulator()
        var lateRows: [Int] = []
        for row in 0..<rows.count {
            let ids = accumulator.add(rows, row: row)
            let time = rows.times[row]
            if time < watermarkMicros {
                lateRows.append(row)
                continue
            }
            windows.add(
                start: window.start(of: time), ids: ids, amount: rows.amounts[row],
                quantity: Int64(rows.quantities[row]))
        }
        let times = rows.times
        let interners = accumulator.interners

        var late: [DeadLetter] = []
        if !lateRows.isEmpty {
            let starts = lineStarts.isEmpty ? Self.lineStarts(chunk) : lineStarts
            let rowLines = Self.rowLines(rows: batch.rowCount, malformed: batch.malformed.map(\.line))
            late = lateRows.map { row in
                let line = rowLines[row]
                return DeadLetter(
                    partition: chunk.partition, offset: chunk.offsets[line],
                    reason: "late: event time behind the watermark",
                    value: chunk.text(starts[line]..<(starts[line + 1] - 1)),
                    eventTimeMicros: times[row])
            }
        }

        var partials: [Int: CommerceJob.Partial] = [:]
        let dimensions = CommerceDimension.allCases
        windows.visit { start, dimension, id, aggregate in
            let interner = interners[dimension]
            let key = CommerceWindowKey(windowStart: start, dimension: dimensions[dimension], key: interner.string(id))
            let group = KeyGroups.group(ofHash: interner.hashes[id] ^ UInt64(dimension), groups: keyGroups)
            partials[group, default: [:]][key, default: RevenueAggregate()].merge(aggregate)
        }
        return MapOutput(
            partition: chunk.partition, rows: batch.columns, rowCount: batch.rowCount, malformed: malformed, late: late,
            maxEventMicros: accumulator.maxEventMicros, minEventMicros: accumulator.minEventMicros, partials: partials,
            summary: accumulator.finish())
    }

    /// Byte offset where each line starts, plus the end of the last one.
    static func lineStarts(_ chunk: SourceChunk) -> [Int] {
        chunk.withUnsafeBytes { bytes in
            var starts = [0]
            for (index, byte) in bytes.enumerated() where byte == 0x0A { starts.append(index + 1) }
            return starts
        }
    }

    /// The line of each decoded row: lines in order, skipping the malformed ones.
    static func rowLines(rows: Int, malformed: [Int]) -> [Int] {
        var result: [Int] = []
        result.reserveCapacity(rows)
        var skip = Set(malformed)
        var line = 0
        while result.count < rows {
            if skip.remove(line) == nil { result.append(line) }
            line += 1
        }
        return result
    }
}
