import ArgumentParser

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A subcommand's failure: printed as one line `souk <command>: <message>` on stderr, exit status 1.
struct CommandFailure: Error, CustomStringConvertible {
    let command: String
    let message: String

    var description: String { "souk \(command): \(message)" }

    /// Prints `failure` to stderr and exits 1.
    static func report(_ failure: CommandFailure) -> Never {
        writeToStandardError(failure.description + "\n")
        exit(1)
    }
}

/// Writes `text` to stderr unbuffered, so it never mixes into JSON on stdout.
func writeToStandardError(_ text: String) { writeAll(text, to: 2) }

/// Writes `text` to stdout at once: `print` is fully buffered when stdout is a pipe or a file, and a
/// long-running command's lines would show only at its exit.
func writeToStandardOutput(_ text: String) { writeAll(text, to: 1) }

private func writeAll(_ text: String, to descriptor: Int32) {
    let bytes = Array(text.utf8)
    bytes.withUnsafeBytes { raw in
        guard let base = raw.baseAddress else { return }
        var offset = 0
        while offset < raw.count {
            let written = write(descriptor, base + offset, raw.count - offset)
            if written <= 0 { return }
            offset += written
        }
    }
}
