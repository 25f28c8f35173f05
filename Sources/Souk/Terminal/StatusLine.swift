import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A long-running command's status on stderr: on a terminal (stderr is a TTY and `TERM` is not
/// `dumb`) one line redrawn in place every second; otherwise a plain line every 10 seconds, so a
/// log file or a pipe gets a readable history instead of carriage returns.
final class StatusLine: Sendable {
    /// Whether the line redraws in place.
    let interactive: Bool
    private let drawn = Atomic<Bool>(false)

    init(interactive: Bool = StatusLine.standardErrorIsTerminal) {
        self.interactive = interactive
    }

    /// Whether stderr is a terminal that understands a carriage return and erase-line.
    static var standardErrorIsTerminal: Bool {
        isatty(2) == 1 && ProcessInfo.processInfo.environment["TERM"] != "dumb"
    }

    /// The terminal's width in columns, when stderr is a terminal that says.
    private static var terminalColumns: Int? {
        var size = winsize()
        guard ioctl(2, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }

    /// How often the status is shown.
    var interval: Duration { interactive ? .seconds(1) : .seconds(10) }

    /// Shows `text`: redrawn over the previous line on a terminal, as a new line otherwise.
    func show(_ text: String) {
        if interactive {
            drawn.store(true, ordering: .relaxed)
            // A line wider than the terminal would wrap, and the carriage return would redraw only its end.
            let width = Self.terminalColumns.map { max(1, $0 - 1) } ?? Int.max
            writeToStandardError("\r\u{1B}[2K" + (text.count > width ? String(text.prefix(width)) : text))
        } else {
            writeToStandardError(text + "\n")
        }
    }

    /// Erases the line on a terminal, so what is printed next starts on a clean line.
    func clear() {
        if interactive, drawn.exchange(false, ordering: .relaxed) { writeToStandardError("\r\u{1B}[2K") }
    }
}
