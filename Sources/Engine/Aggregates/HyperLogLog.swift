import Foundation

/// A HyperLogLog sketch of distinct 64-bit hashes: `2^precision` registers of the longest run of
/// leading zeros seen; the estimate has a standard error of about 1.04 / √(2^precision) (0.81% at
/// the default precision 14, 16 KiB of registers). Mergeable: register-wise maximum.
public struct HyperLogLog: Sendable, Equatable {
    public let precision: Int
    public private(set) var registers: [UInt8]

    public init(precision: Int = 14) {
        self.precision = min(16, max(4, precision))
        registers = Array(repeating: 0, count: 1 << self.precision)
    }

    @inline(__always)
    public mutating func insert(hash: UInt64) {
        let index = Int(hash >> UInt64(64 - precision))
        let rest = hash << UInt64(precision)
        let rank = UInt8(min(rest.leadingZeroBitCount, 64 - precision) + 1)
        if rank > registers[index] { registers[index] = rank }
    }

    /// Register-wise maximum; both sketches must have the same precision (else `other` is ignored).
    public mutating func merge(_ other: HyperLogLog) {
        guard other.precision == precision else { return }
        for index in registers.indices where other.registers[index] > registers[index] {
            registers[index] = other.registers[index]
        }
    }

    /// The estimated number of distinct hashes inserted.
    public var estimate: Int {
        let m = Double(registers.count)
        var sum = 0.0
        var zeros = 0
        for register in registers {
            sum += 1 / Double(UInt64(1) << UInt64(register))
            if register == 0 { zeros += 1 }
        }
        let alpha = 0.7213 / (1 + 1.079 / m)
        let raw = alpha * m * m / sum
        // Small range: linear counting is more accurate while registers are still empty.
        if raw <= 2.5 * m && zeros > 0 { return Int((m * log(m / Double(zeros))).rounded()) }
        return Int(raw.rounded())
    }
}

extension HyperLogLog: Codable {
    private enum CodingKeys: String, CodingKey { case precision, registers }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let precision = try container.decode(Int.self, forKey: .precision)
        self.init(precision: precision)
        guard let bytes = Data(base64Encoded: try container.decode(String.self, forKey: .registers)),
            bytes.count == registers.count
        else {
            throw DecodingError.dataCorruptedError(
                forKey: .registers, in: container, debugDescription: "registers do not match the precision")
        }
        registers = Array(bytes)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(precision, forKey: .precision)
        try container.encode(Data(registers).base64EncodedString(), forKey: .registers)
    }
}

/// A distinct count: exact (a set of hashes) while small, a HyperLogLog sketch beyond `threshold`.
public struct DistinctCount: Sendable, Equatable, Codable {
    public static let defaultThreshold = 4_096
    public private(set) var exact: Set<UInt64>?
    public private(set) var sketch: HyperLogLog?
    public let threshold: Int

    public init(threshold: Int = DistinctCount.defaultThreshold) {
        self.threshold = threshold
        exact = []
    }

    public mutating func insert(hash: UInt64) {
        if exact != nil {
            exact?.insert(hash)
            if (exact?.count ?? 0) > threshold { convert() }
        } else {
            sketch?.insert(hash: hash)
        }
    }

    public mutating func merge(_ other: DistinctCount) {
        if let hashes = other.exact {
            for hash in hashes { insert(hash: hash) }
            return
        }
        guard let otherSketch = other.sketch else { return }
        if sketch == nil { convert() }
        sketch?.merge(otherSketch)
    }

    /// Exact while small; estimated (±0.81% standard error) once a sketch.
    public var count: Int { exact?.count ?? sketch?.estimate ?? 0 }

    private mutating func convert() {
        var converted = HyperLogLog()
        for hash in exact ?? [] { converted.insert(hash: hash) }
        sketch = converted
        exact = nil
    }
}
