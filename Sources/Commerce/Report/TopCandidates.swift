import Engine
import Storage

/// The rows that can still enter the top transactions while a scan runs, their transaction ids not
/// read yet: the `n` largest amounts met so far and every row tied with the smallest of them (the
/// ids break those ties). When the scan is over, the ids of these rows alone are read (`idReads`,
/// by the workers side by side, then `ranked`): the few pages that hold them, once, instead of the
/// pages of every slice's own leaders.
struct TopCandidates: Sendable {
    struct Candidate: Sendable {
        /// The row as a transaction; its id is read at the end.
        var transaction: Transaction
        var file: ParquetFileReader
        var group: Int
        var row: Int
    }

    let n: Int
    private(set) var candidates: [Candidate] = []
    /// The smallest amount that can still enter: -inf while fewer than `n` rows are held.
    private(set) var cutoff = -Double.infinity

    init(n: Int) {
        self.n = max(0, n)
        if self.n == 0 { cutoff = .infinity }
    }

    /// Offers the rows `rows` of a row group: only those among the `n` largest amounts seen can stay.
    mutating func offer(_ columns: ReportColumns, amounts: [Double], rows: some Collection<Int>) {
        guard n > 0, let source = columns.source else { return }
        // The n largest amounts of these rows (ascending), to skip the rows below them at once.
        var largest: [Double] = []
        largest.reserveCapacity(n + 1)
        for row in rows where amounts[row] >= cutoff {
            let amount = amounts[row]
            guard largest.count < n || amount > largest[0] else { continue }
            largest.insert(amount, at: largest.firstIndex { $0 > amount } ?? largest.count)
            if largest.count > n { largest.removeFirst() }
        }
        guard !largest.isEmpty else { return }
        let floor = max(cutoff, largest.count == n ? largest[0] : -.infinity)
        for row in rows where amounts[row] >= floor {
            guard let transaction = columns.transaction(at: row, id: "") else { return }
            candidates.append(
                Candidate(transaction: transaction, file: source.file, group: source.group, row: row))
        }
        prune()
    }

    mutating func merge(_ other: TopCandidates) {
        candidates += other.candidates
        prune()
    }

    /// Keeps the rows whose amount is at least the `n`-th largest held.
    private mutating func prune() {
        guard candidates.count > n else { return }
        let amounts = candidates.map(\.transaction.amount).sorted(by: >)
        cutoff = amounts[n - 1]
        candidates.removeAll { $0.transaction.amount < cutoff }
    }

    /// Rows of one row group whose transaction ids are to be read.
    struct IDRead: Sendable {
        var file: ParquetFileReader
        var group: Int
        /// Ascending, no row twice.
        var rows: [Int]

        /// The ids of the rows, read through the pages that hold them alone.
        func read() throws(ReportError) -> [String] {
            let place = (path: file.path ?? "transaction_id", group: "row group \(group)")
            let buffer: ParquetColumnBuffer
            do { buffer = try file.readRows(rows, ofRowGroup: group, column: "transaction_id") } catch {
                throw .corrupt(path: place.path, reason: "\(place.group): \(error)")
            }
            guard case .byteArray(let values) = buffer.values, values.count == rows.count,
                buffer.validity?.contains(false) != true
            else {
                throw .corrupt(
                    path: place.path,
                    reason: "\(place.group): column 'transaction_id' is not a text column without nulls")
            }
            return (0..<values.count).map { values.string($0) }
        }
    }

    /// The reads that give the candidates their ids: per row group, its candidate rows cut into up
    /// to `parts` runs, so that workers read them side by side.
    func idReads(parts: Int) -> [IDRead] {
        var byGroup: [GroupKey: (file: ParquetFileReader, rows: Set<Int>)] = [:]
        for candidate in candidates {
            let key = GroupKey(file: ObjectIdentifier(candidate.file), group: candidate.group)
            byGroup[key, default: (candidate.file, [])].rows.insert(candidate.row)
        }
        var reads: [IDRead] = []
        for (key, entry) in byGroup {
            let rows = entry.rows.sorted()
            let runs = max(1, min(parts, rows.count))
            for run in 0..<runs {
                let slice = rows[(rows.count * run / runs)..<(rows.count * (run + 1) / runs)]
                reads.append(IDRead(file: entry.file, group: key.group, rows: Array(slice)))
            }
        }
        return reads
    }

    /// The top list, from the ids `idReads` read (each read beside its ids): ranked by amount, ties
    /// by id.
    func ranked(_ reads: [(read: IDRead, ids: [String])]) -> TopN<Transaction> {
        var ids: [RowKey: String] = [:]
        for (read, values) in reads {
            for (row, id) in zip(read.rows, values) {
                ids[RowKey(file: ObjectIdentifier(read.file), group: read.group, row: row)] = id
            }
        }
        var top = TopN<Transaction>(n: n)
        for candidate in candidates {
            let key = RowKey(file: ObjectIdentifier(candidate.file), group: candidate.group, row: candidate.row)
            guard let id = ids[key] else { continue }
            var transaction = candidate.transaction
            transaction.transactionID = id
            top.insert(score: transaction.amount, id: id, element: transaction)
        }
        return top
    }

    /// A row of a row group of a file.
    private struct RowKey: Hashable {
        var file: ObjectIdentifier
        var group: Int
        var row: Int
    }

    /// A row group of a file.
    private struct GroupKey: Hashable {
        var file: ObjectIdentifier
        var group: Int
    }
}
