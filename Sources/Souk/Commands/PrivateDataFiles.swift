#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Makes every file this process creates from now on readable and writable by its user only (0600) and
/// every directory 0700, whatever the mode asked at creation: a command that writes a data directory
/// (the broker's log, the engine's tables and checkpoints) calls it first, so records and tables are
/// never readable by other users of the machine.
func makeCreatedFilesPrivate() {
    umask(0o077)
}
