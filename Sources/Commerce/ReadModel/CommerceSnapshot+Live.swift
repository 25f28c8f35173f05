import Engine

extension CommerceSnapshot {
    /// The snapshot of a running engine's live view: its summary, its open windows and the newest
    /// closed ones, and the watermark its newest batch applied.
    package static func live(
        _ view: LiveView<CommerceJob>, asOfMicros: Int64, windowMinutes: Int = CommerceSnapshot.defaultWindowMinutes,
        topCount: Int = CommerceSnapshot.defaultTopCount
    ) async -> CommerceSnapshot {
        let live = await view.snapshot()
        return CommerceSnapshot(
            summary: live.summary, windows: live.recentResults + live.openWindows,
            watermarkMicros: live.watermarkMicros, asOfMicros: asOfMicros, windowMinutes: windowMinutes,
            topCount: topCount)
    }
}
