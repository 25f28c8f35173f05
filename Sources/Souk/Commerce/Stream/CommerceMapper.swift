import Engine
import Storage

/// The map side of the e-commerce job for one decoded chunk: totals over every valid row, late rows
/// set aside, and revenue pre-aggregated per (window, dimension value) over the on-time rows, keyed
/// by key group. Dimension values are interned per chunk by a fixed hash, so the per-row work is
/// a hash of a few bytes and array updates; strings are made once per distinct value.
struct CommerceMapper {
    let window: TumblingWindow
    let watermarkMicros: Int64
    let keyGroups: Int

    /// Column positions in the decoder's schema.
    private enum Column {
        static let transactionId = 0, userId = 1, city = 2, category = 3, amount = 4, quantity = 5
        static let paymentMethod = 6, timestamp = 7
    }

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
        var summary = CommerceSummary()
        guard batch.rowCount > 0,
            case .byteArray(let ids) = batch.columns[Column.transactionId].values,
            case .byteArray(let users) = batch.columns[Column.userId].values,
            case .byteArray(let cities) = batch.columns[Column.city].values,
            case .byteArray(let categories) = batch.columns[Column.category].values,
            case .double(let amounts) = batch.columns[Column.amount].values,
            case .int32(let quantities) = batch.columns[Column.quantity].values,
            case .byteArray(let payments) = batch.columns[Column.paymentMethod].values,
            case .int64(let times) = batch.columns[Column.timestamp].values
        else {
            return MapOutput(
                partition: chunk.partition, rows: [], rowCount: 0, malformed: malformed, late: [], maxEventMicros: nil,
                minEventMicros: nil, partials: [:], summary: summary)
        }

        var interners = [KeyInterner(), KeyInterner(), KeyInterner()]
        var windows = WindowAccumulator()
        var lateRows: [Int] = []
        var minEvent = Int64.max
        var maxEvent = Int64.min
        var userHashes: [UInt64] = []
        userHashes.reserveCapacity(batch.rowCount)
        for row in 0..<batch.rowCount {
            let time = times[row]
            let amount = amounts[row]
            let quantity = Int64(quantities[row])
            minEvent = min(minEvent, time)
            maxEvent = max(maxEvent, time)
            summary.revenue += amount
            summary.transactions += 1
            summary.items += quantity
            userHashes.append(users.withValue(row) { KeyGroups.hash($0) })
            if summary.top.admits(score: amount) {
                summary.offer(
                    CommerceSummary.TopTransaction(
                        transactionId: ids.string(row), userId: users.string(row), city: cities.string(row),
                        category: categories.string(row), amount: amount, quantity: quantities[row],
                        paymentMethod: payments.string(row), timestampMicros: time))
            }
            if time < watermarkMicros {
                lateRows.append(row)
                continue
            }
            let start = window.start(of: time)
            let category = categories.withValue(row) { interners[0].intern($0) }
            let city = cities.withValue(row) { interners[1].intern($0) }
            let payment = payments.withValue(row) { interners[2].intern($0) }
            windows.add(start: start, ids: (category, city, payment), amount: amount, quantity: quantity)
        }
        for hash in userHashes { summary.users.insert(hash: hash) }

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
        let dimensions = CommerceWindowKey.Dimension.allCases
        windows.visit { start, dimension, id, aggregate in
            let interner = interners[dimension]
            let key = CommerceWindowKey(windowStart: start, dimension: dimensions[dimension], key: interner.strings[id])
            let group = KeyGroups.group(ofHash: interner.hashes[id] ^ UInt64(dimension), groups: keyGroups)
            partials[group, default: [:]][key, default: RevenueAggregate()].merge(aggregate)
        }
        return MapOutput(
            partition: chunk.partition, rows: batch.columns, rowCount: batch.rowCount, malformed: malformed, late: late,
            maxEventMicros: maxEvent, minEventMicros: minEvent, partials: partials, summary: summary)
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

/// Distinct byte strings of a column, numbered in order of first appearance: an open-addressing
/// table keyed by the fixed hash, bytes compared on a hash match.
struct KeyInterner {
    /// Slot → id + 1 (0: empty); the table's size is a power of two, at most half full.
    private var slots = [Int](repeating: 0, count: 64)
    private(set) var strings: [String] = []
    private(set) var hashes: [UInt64] = []
    private var bytes: [[UInt8]] = []

    mutating func intern(_ value: UnsafeRawBufferPointer) -> Int {
        let hash = KeyGroups.hash(value)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] != 0 {
            let id = slots[slot] - 1
            if hashes[id] == hash && bytes[id].elementsEqual(value) { return id }
            slot = (slot + 1) & mask
        }
        let id = strings.count
        strings.append(String(decoding: value, as: UTF8.self))
        hashes.append(hash)
        bytes.append(Array(value))
        slots[slot] = id + 1
        if strings.count * 2 > slots.count { grow() }
        return id
    }

    private mutating func grow() {
        slots = [Int](repeating: 0, count: slots.count * 2)
        let mask = slots.count - 1
        for (id, hash) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: hash) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = id + 1
        }
    }
}

/// Revenue per (window start, dimension, interned value); rows of one window (the usual case within
/// a chunk) update flat arrays, other windows a dictionary.
struct WindowAccumulator {
    private struct Slot: Hashable {
        var start: Int64
        var dimension: Int
        var id: Int
    }

    private var currentStart = Int64.min
    private var current: [[RevenueAggregate]] = [[], [], []]
    private var others: [Slot: RevenueAggregate] = [:]

    mutating func add(start: Int64, ids: (Int, Int, Int), amount: Double, quantity: Int64) {
        if start != currentStart {
            flush()
            currentStart = start
        }
        add(dimension: 0, id: ids.0, amount: amount, quantity: quantity)
        add(dimension: 1, id: ids.1, amount: amount, quantity: quantity)
        add(dimension: 2, id: ids.2, amount: amount, quantity: quantity)
    }

    @inline(__always)
    private mutating func add(dimension: Int, id: Int, amount: Double, quantity: Int64) {
        if id >= current[dimension].count {
            current[dimension].append(
                contentsOf: repeatElement(RevenueAggregate(), count: id + 1 - current[dimension].count))
        }
        current[dimension][id].add(amount: amount, quantity: quantity)
    }

    private mutating func flush() {
        guard currentStart != Int64.min else { return }
        for dimension in 0..<3 {
            for (id, aggregate) in current[dimension].enumerated() where aggregate.transactions > 0 {
                others[Slot(start: currentStart, dimension: dimension, id: id), default: RevenueAggregate()].merge(
                    aggregate)
            }
            current[dimension] = []
        }
    }

    /// Every non-empty aggregate.
    mutating func visit(_ body: (Int64, Int, Int, RevenueAggregate) -> Void) {
        flush()
        currentStart = Int64.min
        for (slot, aggregate) in others { body(slot.start, slot.dimension, slot.id, aggregate) }
    }
}

extension ParquetByteArrays {
    /// Calls `body` with the bytes of value `index`.
    @inline(__always)
    func withValue<T>(_ index: Int, _ body: (UnsafeRawBufferPointer) -> T) -> T {
        let start = Int(offsets[index])
        let end = Int(offsets[index + 1])
        return bytes.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[start..<end])) }
    }

    func string(_ index: Int) -> String {
        String(decoding: bytes[Int(offsets[index])..<Int(offsets[index + 1])], as: UTF8.self)
    }
}
