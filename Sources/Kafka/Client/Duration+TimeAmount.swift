import NIOCore

extension Duration {
    /// The duration as NIO's `TimeAmount` (nanoseconds, saturating).
    var timeAmount: TimeAmount {
        let (seconds, attoseconds) = components
        let (nanos, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return .nanoseconds(overflow ? .max : nanos &+ attoseconds / 1_000_000_000)
    }

    /// Whole milliseconds, clamped to `Int32` (Kafka's timeout fields).
    var milliseconds32: Int32 {
        let (seconds, attoseconds) = components
        let millis = seconds.multipliedReportingOverflow(by: 1000)
        if millis.overflow { return seconds < 0 ? 0 : .max }
        return Int32(clamping: millis.partialValue + attoseconds / 1_000_000_000_000_000)
    }
}
