@testable import KerasLensRuntime
import Testing

/// How layers split their work: chunks of rows in whole register blocks (`RowChunks`), and filter parts that
/// leave no core much more than its share (`FilterParts`).
@Suite struct WorkSplitTests {
    @Test func rowChunksCoverTheRowsInWholeBlocks() {
        for rows in [1, 7, 8, 41, 196, 784, 6272] {
            for most in [1, 32, 45, 256] {
                let chunks = RowChunks(rows: rows, block: 8, most: most)
                let ranges = (0..<chunks.count).map(chunks.range)
                #expect(ranges.first?.lowerBound == 0 && ranges.last?.upperBound == rows, "\(rows) rows, \(most)")
                #expect(zip(ranges, ranges.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound && !$1.isEmpty })
                #expect(ranges.dropLast().allSatisfy { $0.count == chunks.size } && chunks.size % 8 == 0)
                #expect(chunks.size <= max(8, (most + 7) / 8 * 8), "\(rows) rows, at most about \(most) per chunk")
            }
        }
        // 196 positions in chunks of about 45: five of 40 (the last 36), not five of 40 and 41
        let five = RowChunks(rows: 196, block: 8, most: 45)
        #expect(five.count == 5 && five.size == 40)
    }

    @Test func filterPartsCoverTheFiltersAndShareTheWorkFairly() {
        let isa = VectorISA.available.first ?? .avx2, workers = Parallel.workers
        for filters in [1, 33, 100, 728, 2048] {
            let blocks = (filters + isa.filterBlock - 1) / isa.filterBlock
            for tasks in 1...40 {
                let parts = FilterParts(tasks: tasks, filters: filters, isa: isa)
                let ranges = (0..<parts.count).map(parts.range)
                #expect(ranges.first?.lowerBound == 0 && ranges.last?.upperBound == blocks * isa.filterBlock)
                #expect(zip(ranges, ranges.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound && !$1.isEmpty })
                #expect(ranges.allSatisfy { $0.count <= parts.width })
                #expect(tasks * parts.count >= min(2 * workers, tasks * blocks), "\(tasks) tasks, \(filters) filters")
                // the busiest core's share, in tasks, within 1/8 of a fair share unless the filters run out
                let busiest = Double((tasks * parts.count + workers - 1) / workers) / Double(parts.count)
                #expect(busiest <= Double(tasks) / Double(workers) * 1.125 || parts.count == blocks
                        || parts.count >= 4 * workers, "\(tasks) tasks, \(filters) filters, \(parts.count) parts")
            }
        }
    }
}
