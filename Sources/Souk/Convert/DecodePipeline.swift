import Dispatch
import Engine
import Foundation
import Synchronization

/// Blocks of JSON lines decoded on worker threads and handed back in block order.
///
/// Each worker takes the next block nobody has taken, as long as it is at most `lookahead` blocks
/// ahead of the one the caller is waiting for: no worker waits for a whole round of blocks to end, and
/// the decoded blocks held in memory stay bounded. Dropping the pipeline stops the workers and waits
/// for them, so the input only has to outlive the pipeline.
struct DecodePipeline: ~Copyable {
    private let shared: Shared
    private var taken = 0

    init(
        blocks: [Range<Int>], in input: UnsafeRawBufferPointer, with decoder: JSONColumnDecoder, workers: Int,
        lookahead: Int
    ) {
        shared = Shared(blocks: blocks, input: input, decoder: decoder, lookahead: max(1, lookahead))
        let shared = shared
        for _ in 0..<min(max(1, workers), max(1, blocks.count)) {
            shared.finished.enter()
            let thread = Thread {
                shared.work()
                shared.finished.leave()
            }
            thread.name = "souk-convert-decode"
            thread.start()
        }
    }

    /// The next block's batch, waiting for it to be decoded; nil after the last block.
    mutating func next() -> JSONColumnDecoder.Batch? {
        guard taken < shared.blocks.count else { return nil }
        shared.ready[taken].wait()
        let batch = shared.results.withLock { results in
            defer { results[taken] = nil }
            return results[taken]
        }
        taken += 1
        shared.window.signal()
        return batch
    }

    deinit {
        shared.claims.withLock { $0.cancelled = true }
        shared.window.signal()
        shared.finished.wait()
    }

    /// What the caller and the workers share.
    private final class Shared: Sendable {
        let blocks: [Range<Int>]
        // Read only; the pipeline's owner keeps it alive until every worker has finished.
        nonisolated(unsafe) let input: UnsafeRawBufferPointer
        let decoder: JSONColumnDecoder
        let results: Mutex<[JSONColumnDecoder.Batch?]>
        /// One per block, signalled when its batch is in `results`.
        let ready: [DispatchSemaphore]
        /// Blocks a worker may still take before the caller consumes another.
        let window: DispatchSemaphore
        let claims = Mutex<(next: Int, cancelled: Bool)>((0, false))
        let finished = DispatchGroup()

        init(blocks: [Range<Int>], input: UnsafeRawBufferPointer, decoder: JSONColumnDecoder, lookahead: Int) {
            self.blocks = blocks
            self.input = input
            self.decoder = decoder
            results = Mutex(Array(repeating: nil, count: blocks.count))
            ready = blocks.map { _ in DispatchSemaphore(value: 0) }
            window = DispatchSemaphore(value: lookahead)
        }

        func work() {
            while true {
                window.wait()
                let index: Int? = claims.withLock { claims in
                    guard !claims.cancelled, claims.next < blocks.count else { return nil }
                    defer { claims.next += 1 }
                    return claims.next
                }
                guard let index else {
                    // Pass the wake-up on: the next waiting worker finds nothing left either.
                    window.signal()
                    return
                }
                let batch = decoder.decode(UnsafeRawBufferPointer(rebasing: input[blocks[index]]))
                results.withLock { $0[index] = batch }
                ready[index].signal()
            }
        }
    }
}
