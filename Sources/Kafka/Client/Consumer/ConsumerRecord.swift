import NIOCore

/// A record read from a partition.
package struct ConsumerRecord: Sendable, Equatable {
    package var topic: String
    package var partition: Int32
    package var offset: Int64
    /// Milliseconds since the epoch: the producer's create time, or the broker's append time when the
    /// batch says so.
    package var timestamp: Int64
    package var key: ByteBuffer?
    package var value: ByteBuffer?
    package var headers: [RecordHeader]

    package init(
        topic: String, partition: Int32, offset: Int64, timestamp: Int64, key: ByteBuffer?, value: ByteBuffer?,
        headers: [RecordHeader] = []
    ) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.timestamp = timestamp
        self.key = key
        self.value = value
        self.headers = headers
    }
}

/// Turns a fetch response's records field into consumer records (sans-I/O).
package enum FetchedRecords {
    /// The records at or after `fetchOffset` (a fetch that starts inside a batch returns the whole
    /// batch), skipping control batches, and the offset to fetch next: after the last complete batch,
    /// or `fetchOffset` when the bytes held no complete batch.
    package static func decode(
        _ bytes: ByteBuffer, partition: TopicPartition, fetchOffset: Int64, maxUncompressedBytes: Int = 64 * 1024 * 1024
    ) throws(WireError) -> (records: [ConsumerRecord], nextOffset: Int64) {
        let fetched = try FetchedBatches(bytes, partition: partition, fetchOffset: fetchOffset)
        var records: [ConsumerRecord] = []
        for batch in fetched.batches {
            let header = batch.header
            for record in try batch.records(maxUncompressedBytes: maxUncompressedBytes) {
                let offset = header.baseOffset + Int64(record.offsetDelta)
                guard offset >= fetchOffset else { continue }
                let timestamp =
                    header.attributes.logAppendTime ? header.maxTimestamp : header.baseTimestamp + record.timestampDelta
                records.append(
                    ConsumerRecord(
                        topic: partition.topic, partition: partition.partition, offset: offset, timestamp: timestamp,
                        key: record.key, value: record.value, headers: record.headers))
            }
        }
        return (records, fetched.nextOffset)
    }
}

/// The record batches of one partition from one fetch, not decoded into records (`pollBatches`).
package struct FetchedBatches: Sendable {
    package var partition: TopicPartition
    /// In offset order, control batches left out. The first may start before `fromOffset`: a fetch
    /// that starts inside a batch returns the whole batch.
    package var batches: [RecordBatch]
    /// The first offset the caller has not seen; records before it are to be skipped.
    package var fromOffset: Int64
    /// The offset to fetch next: after the last complete batch.
    package var nextOffset: Int64

    /// The complete batches of a fetch response's records field at or after `fetchOffset`.
    package init(_ bytes: ByteBuffer, partition: TopicPartition, fetchOffset: Int64) throws(WireError) {
        self.partition = partition
        fromOffset = fetchOffset
        nextOffset = fetchOffset
        batches = []
        for batch in try RecordBatchReader.batches(in: bytes, allowPartialTail: true) {
            let header = batch.header
            nextOffset = max(nextOffset, header.lastOffset + 1)
            guard header.lastOffset >= fetchOffset, !header.attributes.isControl else { continue }
            batches.append(batch)
        }
    }

    /// Calls `body` with the offset and record of each record at or after `fromOffset`, in order.
    package func forEachRecord(
        maxUncompressedBytes: Int = 64 * 1024 * 1024, _ body: (Int64, RecordView) -> Void
    ) throws(WireError) {
        for batch in batches {
            let base = batch.header.baseOffset
            let from = fromOffset
            try batch.forEachRecord(maxUncompressedBytes: maxUncompressedBytes) { record in
                let offset = base + Int64(record.offsetDelta)
                if offset >= from { body(offset, record) }
            }
        }
    }
}
