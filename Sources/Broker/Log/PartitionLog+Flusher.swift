import Dispatch
import Storage

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
        let descriptors: [BackgroundSync]
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
        LogFlusher.queue.async { [weak self] in
            let start = ContinuousClock.now
            var failure: IOFailure?
            for sync in descriptors {
                if failure == nil {
                    if failSyncs {
                        failure = IOFailure(operation: "fsync", path: sync.path, errno: EIO)
                    } else {
                        do throws(FileFailure) {
                            try DiskFile.sync(descriptor: sync.descriptor, path: sync.path)
                        } catch { failure = error }
                    }
                }
                BlockingFile.closeDuplicate(sync.descriptor)
            }
            let elapsed = ContinuousClock.now - start
            let owner = self
            let outcome = failure
            loop.execute {
                // Back on the event loop that is the log's executor.
                owner?.assumeIsolated { log in
                    log.finishPeriodicFlush(
                        target: target, truncationsBefore: truncationsBefore, elapsed: elapsed, failure: outcome)
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

    /// Queues a checkpoint write behind the flush; a failure stops the log, except a full file system:
    /// the previous checkpoint stands (it only ever names less than is durable) and the next flush tries again.
    private func writeCheckpointInBackground() {
        guard let checkpoint = changedCheckpoint(cleanShutdown: false) else { return }
        lastCheckpoint = checkpoint
        let write = checkpointWriter(checkpoint)
        let loop = eventLoop
        LogFlusher.queue.async { [weak self] in
            guard case .failure(let error) = write() else { return }
            let owner = self
            loop.execute {
                owner?.assumeIsolated { log in
                    if case .io(let failure) = error, failure.errno == ENOSPC || failure.errno == EDQUOT {
                        log.lastCheckpoint = nil
                        log.logger.warning(
                            "recovery checkpoint not written: the file system is full; the previous one stands",
                            metadata: ["file": "\(failure.path)"])
                    } else {
                        _ = log.stop(error)
                    }
                }
            }
        }
    }
}
