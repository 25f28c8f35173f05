/// Makes file operations fail on demand, so tests can check fail-stop behaviour without a broken
/// disk. Production code passes none.
package final class FileFaults: Sendable {
    /// Which operations to fail.
    package struct Faults: Sendable, Equatable {
        /// Fail every `pwrite` with `EIO`.
        package var writes = false
        /// Fail every `fsync`/`fdatasync` with `EIO`.
        package var syncs = false

        package init(writes: Bool = false, syncs: Bool = false) {
            self.writes = writes
            self.syncs = syncs
        }
    }

    private let state = Locked(Faults())

    package init() {}

    /// The operations that currently fail.
    package var faults: Faults {
        get { state.withLock { $0 } }
        set { state.withLock { $0 = newValue } }
    }
}
