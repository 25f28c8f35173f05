import Engine
import Testing

@Suite("Micro-batch planner")
struct MicroBatchPlannerTests {
    static let p0 = SourcePartition(topic: "t", partition: 0)
    static let p1 = SourcePartition(topic: "t", partition: 1)

    @Test("a batch reads from where the last one ended to what is available, capped per partition")
    func capped() {
        let planner = MicroBatchPlanner(maxRecordsPerPartition: 100)
        let ranges = planner.plan(next: [Self.p0: 10, Self.p1: 0], available: [Self.p0: 0..<50, Self.p1: 0..<1_000])
        #expect(ranges == [Self.p0: 10..<50, Self.p1: 0..<100])
    }

    @Test("a partition new to the master starts where the source proposes; a revoked one is left out")
    func newAndRevoked() {
        let planner = MicroBatchPlanner(maxRecordsPerPartition: 1_000)
        let ranges = planner.plan(next: [Self.p0: 5], available: [Self.p1: 7..<9])
        #expect(ranges == [Self.p1: 7..<9])
    }

    @Test("with a target (--once) a batch never reads past it, and reached() says when it is done")
    func target() {
        let planner = MicroBatchPlanner(maxRecordsPerPartition: 1_000)
        let target = [Self.p0: Int64(20), Self.p1: 3]
        let ranges = planner.plan(
            next: [Self.p0: 0, Self.p1: 3], available: [Self.p0: 0..<50, Self.p1: 0..<9], target: target)
        #expect(ranges == [Self.p0: 0..<20, Self.p1: 3..<3])
        #expect(!MicroBatchPlanner.reached(target, next: [Self.p0: 19, Self.p1: 3]))
        #expect(MicroBatchPlanner.reached(target, next: [Self.p0: 20, Self.p1: 3]))
    }

    @Test("nothing available gives empty ranges, never negative ones")
    func empty() {
        let planner = MicroBatchPlanner(maxRecordsPerPartition: 10)
        let ranges = planner.plan(next: [Self.p0: 30], available: [Self.p0: 0..<20])
        #expect(ranges == [Self.p0: 30..<30])
    }
}
