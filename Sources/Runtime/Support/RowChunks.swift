/// Rows (output positions) split into chunks of whole register blocks: a chunk that ends inside a block makes the
/// kernel recompute a whole block for its last few rows (a 41-row chunk costs as much as 48 rows), so only the last
/// chunk holds a remainder. The blocks are shared out evenly, larger chunks first, and a layer that needs several
/// chunks gets a multiple of the cores' count of them, so that chunks handed out as cores free up keep the cores
/// equally busy: 18 blocks in chunks of at most 5 were 5, 5, 5, 3 (one core ran 10 blocks, the other 8), now 5, 5,
/// 4, 4.
struct RowChunks: Sendable {
    let count: Int
    /// The most rows a chunk holds, a multiple of the block.
    let size: Int
    private let rows: Int, block: Int, blocks: Int

    /// Chunks of about `most` rows (at least one block) over `rows` rows, for `workers` cores.
    init(rows: Int, block: Int, most: Int, workers: Int = Parallel.workers) {
        self.rows = rows
        self.block = block
        blocks = (rows + block - 1) / block
        let mostBlocks = max(1, most / block), wanted = (blocks + mostBlocks - 1) / mostBlocks
        count = wanted > 1 ? min(blocks, (wanted + workers - 1) / workers * workers) : wanted
        size = count == 0 ? 0 : (blocks + count - 1) / count * block
    }

    /// Chunk `chunk`'s rows.
    func range(_ chunk: Int) -> Range<Int> {
        let base = blocks / count, extra = blocks % count
        func start(_ chunk: Int) -> Int { (chunk * base + min(chunk, extra)) * block }
        return start(chunk)..<min(rows, start(chunk + 1))
    }
}
