import Engine

extension CommittedTables {
    /// The snapshot over the tables of several data directories, as stream replicas in one consumer
    /// group write them (each replica its own partitions, so each transaction in exactly one of them):
    /// the totals and the windows add up, and the watermark is the lowest any replica applied.
    package static func snapshot(
        of tables: [CommittedTables], asOfMicros: Int64, windowMinutes: Int = CommerceSnapshot.defaultWindowMinutes,
        topCount: Int = CommerceSnapshot.defaultTopCount
    ) -> CommerceSnapshot {
        if tables.count == 1, let only = tables.first {
            return only.snapshot(asOfMicros: asOfMicros, windowMinutes: windowMinutes, topCount: topCount)
        }
        var summary = CommerceSummary()
        var windows: [CommerceWindowKey: CommerceWindow] = [:]
        for table in tables {
            summary.merge(table.summary)
            for window in table.windows {
                windows[
                    window.id, default: CommerceWindow(id: window.id, windowEnd: window.windowEnd, aggregate: .init())
                ]
                .aggregate.merge(window.aggregate)
            }
        }
        return CommerceSnapshot(
            summary: summary, windows: Array(windows.values),
            watermarkMicros: tables.compactMap(\.watermarkMicros).min(),
            asOfMicros: asOfMicros, windowMinutes: windowMinutes, topCount: topCount)
    }
}
