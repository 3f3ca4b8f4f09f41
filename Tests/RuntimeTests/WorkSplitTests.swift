@testable import KerasLensRuntime
import Testing

/// How layers split their work: chunks of rows in whole register blocks (`RowChunks`), and filter parts that
/// leave no core much more than its share (`FilterParts`).
@Suite struct WorkSplitTests {
    @Test func rowChunksCoverTheRowsInWholeBlocks() {
        for workers in [1, 2, 3] {
            for rows in [1, 7, 8, 41, 196, 784, 6272] {
                for most in [1, 32, 45, 256] {
                    let chunks = RowChunks(rows: rows, block: 8, most: most, workers: workers)
                    let ranges = (0..<chunks.count).map(chunks.range), label = "\(rows) rows, \(most), \(workers) workers"
                    #expect(ranges.first?.lowerBound == 0 && ranges.last?.upperBound == rows, "\(label)")
                    #expect(zip(ranges, ranges.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound && !$1.isEmpty })
                    // whole blocks but the last chunk's end, larger chunks first, at most a block apart
                    #expect(ranges.dropLast().allSatisfy { $0.count % 8 == 0 } && chunks.size % 8 == 0, "\(label)")
                    #expect(zip(ranges, ranges.dropFirst()).allSatisfy { $0.count >= $1.count }, "\(label)")
                    #expect(ranges.allSatisfy { (0...(rows % 8 == 0 ? 8 : 15)).contains(chunks.size - $0.count) }, "\(label)")
                    #expect(chunks.size <= max(8, (most + 7) / 8 * 8), "\(label): at most about \(most) per chunk")
                    // several chunks come in a multiple of the workers, unless there are fewer blocks
                    #expect(chunks.count == 1 || chunks.count % workers == 0 || chunks.count == (rows + 7) / 8, "\(label)")
                }
            }
        }
        // 196 positions (25 blocks) in chunks of about 45 on two cores: six, the first a block larger, not 5 × 40
        // of which one core would run three
        let six = RowChunks(rows: 196, block: 8, most: 45, workers: 2)
        #expect((0..<six.count).map { six.range($0).count } == [40, 32, 32, 32, 32, 28])
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
