import NIOCore

/// The Java client's default partitioning of keyed records: murmur2 of the key bytes (seed
/// 0x9747b28c, as `org.apache.kafka.common.utils.Utils.murmur2`), made positive with
/// `& 0x7fffffff`, modulo the partition count. Records with the same key land in the same
/// partition whichever client (Java, librdkafka's `murmur2_random`, kafka-python) wrote them.
package enum Murmur2Partitioner {
    /// Kafka's murmur2 hash of `bytes`, as the Java client's signed int.
    package static func murmur2(_ bytes: some Collection<UInt8>) -> Int32 {
        let data = Array(bytes)
        let length = data.count
        let m: UInt32 = 0x5bd1_e995
        let r: UInt32 = 24
        var h: UInt32 = 0x9747_b28c ^ UInt32(truncatingIfNeeded: length)
        let length4 = length / 4
        for i in 0..<length4 {
            let i4 = i * 4
            var k =
                UInt32(data[i4]) | (UInt32(data[i4 + 1]) << 8) | (UInt32(data[i4 + 2]) << 16)
                | (UInt32(data[i4 + 3]) << 24)
            k = k &* m
            k ^= k >> r
            k = k &* m
            h = h &* m
            h ^= k
        }
        let tail = length & ~3
        let extra = length % 4
        if extra >= 3 { h ^= UInt32(data[tail + 2]) << 16 }
        if extra >= 2 { h ^= UInt32(data[tail + 1]) << 8 }
        if extra >= 1 {
            h ^= UInt32(data[tail])
            h = h &* m
        }
        h ^= h >> 13
        h = h &* m
        h ^= h >> 15
        return Int32(bitPattern: h)
    }

    /// The partition for `key` among `partitionCount` partitions.
    package static func partition(forKey key: ByteBuffer, partitionCount: Int) -> Int32 {
        guard partitionCount > 0 else { return 0 }
        let positive = murmur2(key.readableBytesView) & 0x7fff_ffff
        return Int32(Int(positive) % partitionCount)
    }
}
