import Logging

/// Sends every logger of the process to standard error at `level` (stdout stays for `--json` and
/// `--progress` output). Called once, at the start of a command.
func bootstrapStandardErrorLogging(level: Logger.Level) {
    LoggingSystem.bootstrap { label in
        var handler = StreamLogHandler.standardError(label: label)
        handler.logLevel = level
        return handler
    }
}
