import Foundation
import Testing

@testable import Broker

@Suite("OffsetIndex and TimeIndex")
struct OffsetIndexTests {
    @Test("lookup finds the last entry at or before an offset, else the segment start")
    func offsetLookup() throws {
        let fixture = try LogFixture()
        let file = try BlockingFile.open(fixture.directory + "/x.index", create: true, faults: nil)
        let index = OffsetIndex(baseOffset: 100, storage: IndexFile(file: file, entries: []))
        try index.append(offset: 110, position: 400)
        try index.append(offset: 125, position: 900)
        try index.append(offset: 140, position: 1500)
        #expect(index.lookup(offset: 100) == (100, 0))
        #expect(index.lookup(offset: 109) == (100, 0))
        #expect(index.lookup(offset: 110) == (110, 400))
        #expect(index.lookup(offset: 139) == (125, 900))
        #expect(index.lookup(offset: 10_000) == (140, 1500))
        #expect(try IndexFile<OffsetIndex.Entry>.readEntries(of: file) == index.entries)
        try index.truncate(toPosition: 900)
        #expect(index.lookup(offset: 10_000) == (110, 400))
        #expect(try file.size() == 8)
    }

    @Test("time lookup starts at the last entry strictly older than the target")
    func timeLookup() throws {
        let fixture = try LogFixture()
        let file = try BlockingFile.open(fixture.directory + "/x.timeindex", create: true, faults: nil)
        let index = TimeIndex(baseOffset: 100, storage: IndexFile(file: file, entries: []))
        try index.maybeAppend(timestamp: 1000, offset: 105)
        try index.maybeAppend(timestamp: 1000, offset: 110)  // not newer: skipped
        try index.maybeAppend(timestamp: 2000, offset: 120)
        #expect(index.entries.count == 2)
        #expect(index.lookup(timestamp: 999) == 100)
        #expect(index.lookup(timestamp: 1000) == 100)  // batch 105 may hold exactly 1000
        #expect(index.lookup(timestamp: 1001) == 105)
        #expect(index.lookup(timestamp: 5000) == 120)
        #expect(TimeIndex.isPlausible(index.entries))
        #expect(
            !TimeIndex.isPlausible([.init(timestamp: 5, relativeOffset: 1), .init(timestamp: 4, relativeOffset: 2)]))
    }
}
