import Dispatch

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The thread every partition log's background fsyncs and checkpoint writes run on, one after
/// another (one disk: nothing gained by running them at once). Not Swift's cooperative pool and
/// not a log's event loop.
enum LogFlusher {
    static let queue = DispatchQueue(label: "souk.log.flusher")
}

extension PartitionLog {
    /// Called by the interval timer on the log's event loop. The fsync runs on the flusher thread,
    /// so appends and fetches of the partition go on while the data is written out (Kafka's log
    /// flusher does the same); an fsync can take hundreds of milliseconds when the disk is busy.
    /// The recovery point then moves to the log end as it was when the fsync began.
    func periodicFlush() {
        guard failure == nil, !isClosed, !flushInFlight, recoveryPoint < logEndOffset,
            let segment = activeSegment
        else { return }
        let target = logEndOffset
        let truncationsBefore = truncations
        let descriptors: [Int32]
        do {
            try segment.completeTimeIndex()
            descriptors = try segment.descriptorsForBackgroundSync()
        } catch {
            _ = stop(error)
            return
        }
        flushInFlight = true
        let loop = eventLoop
        let failSyncs = faults?.faults.syncs == true
        let path = segment.log.path
        LogFlusher.queue.async { [weak self] in
            let start = ContinuousClock.now
            var failedErrno: Int32?
            for descriptor in descriptors {
                if failedErrno == nil {
                    if failSyncs {
                        failedErrno = EIO
                    } else if fdatasync(descriptor) != 0 {
                        failedErrno = errno
                    }
                }
                BlockingFile.closeDuplicate(descriptor)
            }
            let elapsed = ContinuousClock.now - start
            let failure = failedErrno.map { IOFailure(operation: "fsync", path: path, errno: $0) }
            let owner = self
            loop.execute {
                // Back on the event loop that is the log's executor.
                owner?.assumeIsolated { log in
                    log.finishPeriodicFlush(
                        target: target, truncationsBefore: truncationsBefore, elapsed: elapsed, failure: failure)
                }
            }
        }
    }

    private func finishPeriodicFlush(target: Int64, truncationsBefore: Int, elapsed: Duration, failure: IOFailure?) {
        flushInFlight = false
        let (seconds, attoseconds) = elapsed.components
        metrics.syncDuration.recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        guard !isClosed else { return }
        if let failure {
            _ = stop(.io(failure))
            return
        }
        guard truncations == truncationsBefore else { return }
        recoveryPoint = max(recoveryPoint, min(target, logEndOffset))
        writeCheckpointInBackground()
    }

    /// Queues a checkpoint write behind the flush; a failure stops the log.
    private func writeCheckpointInBackground() {
        guard let checkpoint = changedCheckpoint(cleanShutdown: false) else { return }
        lastCheckpoint = checkpoint
        let write = checkpointWriter(checkpoint)
        let loop = eventLoop
        LogFlusher.queue.async { [weak self] in
            guard case .failure(let error) = write() else { return }
            let owner = self
            loop.execute { owner?.assumeIsolated { _ = $0.stop(error) } }
        }
    }
}
