/// The attributes of a record batch (int16): codec in bits 0–2, timestamp type in bit 3,
/// transactional in bit 4, control in bit 5, delete horizon in bit 6.
package struct RecordBatchAttributes: RawRepresentable, Hashable, Sendable {
    package var rawValue: Int16

    package init(rawValue: Int16) {
        self.rawValue = rawValue
    }

    package init(
        compression: RecordCompression = .none, logAppendTime: Bool = false, isTransactional: Bool = false,
        isControl: Bool = false
    ) {
        rawValue = compression.rawValue
        self.logAppendTime = logAppendTime
        self.isTransactional = isTransactional
        self.isControl = isControl
    }

    /// The raw codec bits (0–7); values above 4 name no codec.
    package var compressionBits: Int16 { rawValue & 0x07 }

    /// The codec, or nil when the bits name none that exists.
    package var compression: RecordCompression? { RecordCompression(rawValue: compressionBits) }

    /// Whether timestamps are the broker's append time (true) or the producer's create time (false).
    package var logAppendTime: Bool {
        get { flag(0x08) }
        set { set(0x08, newValue) }
    }

    /// Whether the batch belongs to a transaction.
    package var isTransactional: Bool {
        get { flag(0x10) }
        set { set(0x10, newValue) }
    }

    /// Whether the batch holds control records (transaction markers) rather than data.
    package var isControl: Bool {
        get { flag(0x20) }
        set { set(0x20, newValue) }
    }

    private func flag(_ bit: Int16) -> Bool { rawValue & bit != 0 }

    private mutating func set(_ bit: Int16, _ on: Bool) {
        rawValue = on ? rawValue | bit : rawValue & ~bit
    }
}
