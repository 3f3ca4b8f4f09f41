import Testing
@testable import KerasLensXAI

@Suite struct ShardTests {
    @Test func blocksCoverTheSetOnceInWholeBatches() throws {
        for (total, batch, count) in [(1000, 4, 3), (12, 4, 5), (7, 64, 2), (0, 4, 3), (101, 16, 7)] {
            let blocks = (0..<count).map { Shard("\($0)/\(count)")!.block(of: total, batch: batch) }
            #expect(blocks.first?.lowerBound == 0)
            #expect(blocks.last?.upperBound == total)
            for (a, b) in zip(blocks, blocks.dropFirst()) { #expect(a.upperBound == b.lowerBound) }
            for block in blocks { #expect(block.lowerBound % batch == 0) }
            let sizes = blocks.map { ($0.count + batch - 1) / batch }
            #expect(sizes.max()! - sizes.min()! <= 1, "batches per shard \(sizes)")
        }
    }

    @Test func onlyKOfNWithKBelowNParses() {
        #expect(Shard("2/5") == Shard("2/5"))
        #expect(Shard("2/5")?.index == 2)
        for bad in ["5/5", "-1/5", "1/0", "1", "1/2/3", "a/b", "/", ""] { #expect(Shard(bad) == nil, "\(bad)") }
    }

    @Test func theCommonBatchIsTheLeastCommonMultiple() {
        #expect(Shard.commonBatch([64, 16]) == 64)
        #expect(Shard.commonBatch([24, 16]) == 48)
        #expect(Shard.commonBatch([4]) == 4)
    }
}
