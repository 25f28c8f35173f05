import Storage

/// The sinks of a job: the raw table, the result table and the dead letters. Called only from the
/// master, one call at a time, on its I/O thread (hence `@unchecked Sendable`).
final class SinkSet: @unchecked Sendable {
    let raw: ParquetTableSink?
    let results: ParquetTableSink
    let deadLetters: DeadLetterWriter
    private let rawName: String?
    private let resultName: String

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
                let commit = try raw.commit(batch: batch, nowMicros: nowMicros, rollAll: rollAll)
                reports.append(
                    .init(description: "parquet[\(rawName)]", committedFiles: commit.files, numOutputRows: commit.rows))
            }
            crash?.check(.betweenSinks, batch: batch)
            if (resultRows.first?.rowCount ?? 0) > 0 { try results.write(batch: batch, columns: resultRows) }
            let commit = try results.commit(batch: batch, nowMicros: nowMicros, rollAll: rollAll)
            reports.append(
                .init(description: "parquet[\(resultName)]", committedFiles: commit.files, numOutputRows: commit.rows))
        } catch { throw .sink("\(error)") }
        return reports
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
