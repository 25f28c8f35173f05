import Engine
import Foundation

/// Blocks of JSON lines decoded on worker threads and handed back in block order.
///
/// Each worker takes the next block nobody has taken, as long as it is at most `lookahead` blocks
/// ahead of the one the caller is waiting for: no worker waits for a whole round of blocks to end, and
/// the decoded blocks held in memory stay bounded. Dropping the pipeline stops the workers and waits
/// for them, so the input only has to outlive the pipeline.
struct DecodePipeline: ~Copyable {
    private let shared: Shared

    init(
        blocks: [Range<Int>], in input: UnsafeRawBufferPointer, with decoder: JSONColumnDecoder, workers: Int,
        lookahead: Int
    ) {
        let count = min(max(1, workers), max(1, blocks.count))
        shared = Shared(blocks: blocks, input: input, decoder: decoder, lookahead: max(1, lookahead), workers: count)
        let shared = shared
        for _ in 0..<count {
            let thread = Thread { shared.work() }
            thread.name = "souk-convert-decode"
            thread.start()
        }
    }

    /// The next block's batch, waiting for it to be decoded; nil after the last block.
    mutating func next() -> JSONColumnDecoder.Batch? {
        shared.take()
    }

    deinit {
        shared.stop()
    }

    /// What the caller and the workers share, all of it guarded by `condition`.
    private final class Shared: @unchecked Sendable {
        let blocks: [Range<Int>]
        // Read only; the pipeline's owner keeps it alive until every worker has finished.
        let input: UnsafeRawBufferPointer
        let decoder: JSONColumnDecoder
        let lookahead: Int
        private let condition = NSCondition()
        // Under `condition`: each block's batch until the caller takes it, the next block to decode,
        // the blocks taken, whether the caller stopped early, and the workers still running.
        private var results: [JSONColumnDecoder.Batch?]
        private var next = 0
        private var taken = 0
        private var stopped = false
        private var running: Int

        init(
            blocks: [Range<Int>], input: UnsafeRawBufferPointer, decoder: JSONColumnDecoder, lookahead: Int,
            workers: Int
        ) {
            self.blocks = blocks
            self.input = input
            self.decoder = decoder
            self.lookahead = lookahead
            results = Array(repeating: nil, count: blocks.count)
            running = workers
        }

        func work() {
            while let index = claim() {
                let batch = decoder.decode(UnsafeRawBufferPointer(rebasing: input[blocks[index]]))
                condition.lock()
                results[index] = batch
                condition.broadcast()
                condition.unlock()
            }
            condition.lock()
            running -= 1
            condition.broadcast()
            condition.unlock()
        }

        /// The next block to decode once it is within `lookahead` of the caller; nil when none is left.
        private func claim() -> Int? {
            condition.lock()
            defer { condition.unlock() }
            while !stopped && next < blocks.count && next >= taken + lookahead { condition.wait() }
            guard !stopped, next < blocks.count else { return nil }
            defer { next += 1 }
            return next
        }

        func take() -> JSONColumnDecoder.Batch? {
            condition.lock()
            defer { condition.unlock() }
            guard taken < blocks.count else { return nil }
            while true {
                if let batch = results[taken] {
                    results[taken] = nil
                    taken += 1
                    condition.broadcast()
                    return batch
                }
                condition.wait()
            }
        }

        /// Stops the workers (a block being decoded is finished) and waits until none is running.
        func stop() {
            condition.lock()
            stopped = true
            condition.broadcast()
            while running > 0 { condition.wait() }
            condition.unlock()
        }
    }
}
