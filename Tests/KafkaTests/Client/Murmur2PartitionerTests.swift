import NIOCore
import Testing

@testable import Kafka

/// Expected values: kafka-python 3.0.12's `kafka.partitioner.default.murmur2` (a port of the Java
/// client's `Utils.murmur2`), printed as unsigned 32-bit; the Java test suite's value for "21" is
/// -973932308 (= 3321034988 − 2³²).
@Suite struct Murmur2PartitionerTests {
    static let hashes: [([UInt8], UInt32)] = [
        ([], 275_646_681),
        (Array("a".utf8), 2_731_586_172),
        (Array("21".utf8), 3_321_034_988),
        (Array("key".utf8), 3_215_029_929),
        (Array("abc".utf8), 479_470_107),
        (Array("abcd".utf8), 2_971_317_748),
        (Array("customer-42".utf8), 3_751_979_801),
        ([0xFF, 0xFE, 0x00, 0x80, 0x78], 1_252_036_511),
    ]

    @Test(arguments: hashes)
    func hashMatchesKafkaPython(bytes: [UInt8], expected: UInt32) {
        #expect(Murmur2Partitioner.murmur2(bytes) == Int32(bitPattern: expected))
    }

    @Test func javaValueForTwentyOne() {
        #expect(Murmur2Partitioner.murmur2(Array("21".utf8)) == -973_932_308)
    }

    /// `(murmur2(key) & 0x7fffffff) % 12` as kafka-python's DefaultPartitioner computes it.
    static let partitions: [(String, Int32)] = [
        ("", 9), ("a", 4), ("21", 0), ("key", 1), ("abc", 3), ("abcd", 8), ("customer-42", 9),
    ]

    @Test(arguments: partitions)
    func partitionMatchesKafkaPython(key: String, expected: Int32) {
        #expect(Murmur2Partitioner.partition(forKey: ByteBuffer(string: key), partitionCount: 12) == expected)
    }
}
