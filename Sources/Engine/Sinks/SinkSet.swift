import Storage

/// The sinks of a job: the raw table, the result table and the dead letters. Called only from the
/// master, one call at a time, on its I/O thread (hence `@unchecked Sendable`).
final class SinkSet: @unchecked Sendable {
    let raw: ParquetTableSink?
    let results: ParquetTableSink
    let deadLetters: DeadLetterWriter
    private let rawName: String?
    private let resultName: String
    /// The compaction of each table (`EngineConfiguration.compactAfter`), and when it last ran.
    private let compactors: [TableCompactor]
    private let compactAfter: Duration?
    private var lastCompactionMicros: Int64?

    init<Job: StreamJob>(job: Job, configuration: EngineConfiguration) throws(StreamError) {
        let tables = configuration.dataDirectory + "/tables"
        func sink(_ table: TableSpecification) throws(StreamError) -> ParquetTableSink {
            var writer = ParquetWriterConfiguration()
            writer.compression = configuration.compression
            writer.parallelColumns = true
            for (column, options) in table.columnOptions { writer.columnOptions[column] = options }
            var sinkConfiguration = ParquetTableSinkConfiguration(
                directory: "\(tables)/\(table.name)", schema: table.schema, partitionColumn: table.partitionColumn)
            sinkConfiguration.rollBytes = configuration.rollBytes
            sinkConfiguration.rollAge = configuration.rollAge
            sinkConfiguration.rowGroupRows = configuration.rowGroupRows
            sinkConfiguration.rowGroupBytes = configuration.rowGroupBytes
            sinkConfiguration.writer = writer
            do { return try ParquetTableSink(sinkConfiguration) } catch {
                throw .sink("table \(table.name): \(error)")
            }
        }
        raw = try job.rawTable.map(sink)
        results = try sink(job.resultTable)
        compactAfter = configuration.compactAfter
        compactors = [job.rawTable, job.resultTable].compactMap { table in
            guard let table, let column = table.partitionColumn else { return nil }
            var compactor = TableCompactor(
                directory: "\(tables)/\(table.name)", sortColumn: table.schema.columns[column].name)
            compactor.rowGroupRows = configuration.rowGroupRows
            compactor.rowGroupBytes = configuration.rowGroupBytes
            compactor.writer.compression = configuration.compression
            for (name, options) in table.columnOptions { compactor.writer.columnOptions[name] = options }
            return compactor
        }
        rawName = job.rawTable?.name
        resultName = job.resultTable.name
        deadLetters = try DeadLetterWriter(directory: configuration.dataDirectory + "/deadletter")
    }

    func recover() throws(StreamError) {
        do {
            _ = try raw?.recover()
            _ = try results.recover()
        } catch { throw .sink("recovery: \(error)") }
    }

    /// Writes and commits batch `batch` in every sink (each skips a batch it already committed).
    func write(
        batch: Int64, rows: [[ParquetColumnBuffer]], results resultRows: [ParquetColumnBuffer], malformed: [DeadLetter],
        late: [DeadLetter], watermarkMicros: Int64, nowMicros: Int64, rollAll: Bool, crash: CrashPoint?
    ) throws(StreamError) -> [StreamingProgress.Sink] {
        try deadLetters.write(batch: batch, malformed: malformed, late: late, watermarkMicros: watermarkMicros)
        var reports: [StreamingProgress.Sink] = []
        do {
            if let raw, let rawName {
                try raw.write(batch: batch, batches: rows)
                crash?.check(.afterRawWrite, batch: batch)
                let commit = try raw.commit(
                    batch: batch, nowMicros: nowMicros, rollAll: rollAll, watermarkMicros: watermarkMicros)
                reports.append(
                    .init(description: "parquet[\(rawName)]", committedFiles: commit.files, numOutputRows: commit.rows))
            }
            crash?.check(.betweenSinks, batch: batch)
            if (resultRows.first?.rowCount ?? 0) > 0 { try results.write(batch: batch, columns: resultRows) }
            let commit = try results.commit(
                batch: batch, nowMicros: nowMicros, rollAll: rollAll, watermarkMicros: watermarkMicros)
            reports.append(
                .init(description: "parquet[\(resultName)]", committedFiles: commit.files, numOutputRows: commit.rows))
        } catch { throw .sink("\(error)") }
        try compactIfDue(nowMicros: nowMicros, finalCommit: rollAll)
        return reports
    }

    /// A compaction pass over every table when `compactAfter` is set: at most once a minute, and after
    /// the commit that rolls every part (the stream stopping, or `--once` at its end).
    private func compactIfDue(nowMicros: Int64, finalCommit: Bool) throws(StreamError) {
        guard let compactAfter else { return }
        let due = lastCompactionMicros.map { nowMicros.subtractingReportingOverflow($0).partialValue >= 60_000_000 }
        guard finalCommit || due ?? true else { return }
        lastCompactionMicros = nowMicros
        for compactor in compactors {
            do {
                _ = try compactor.compact(olderThan: compactAfter, retain: .seconds(3600), nowMillis: nowMicros / 1000)
            } catch { throw .sink("compaction of \(compactor.directory): \(error)") }
        }
    }

    /// When the first open part of any table is due to roll (a batch must run then, even without
    /// data); nil without open parts.
    var nextRollMicros: Int64? {
        [raw?.nextRollMicros, results.nextRollMicros].compactMap { $0 }.min()
    }

    var hasOpenParts: Bool { (raw?.openPartCount ?? 0) + results.openPartCount > 0 }

    func close() {
        raw?.close()
        results.close()
    }
}
