/// Rows (output positions) split into chunks of whole register blocks: a chunk that ends inside a block makes the
/// kernel recompute a whole block for its last few rows (a 41-row chunk costs as much as 48 rows), so only the last
/// chunk holds a remainder.
struct RowChunks: Sendable {
    let count: Int
    /// Rows per chunk, a multiple of the block (the last chunk may hold fewer).
    let size: Int
    private let rows: Int

    /// Chunks of about `most` rows (at least one block) over `rows` rows.
    init(rows: Int, block: Int, most: Int) {
        self.rows = rows
        let blocks = (rows + block - 1) / block, mostBlocks = max(1, most / block)
        let wanted = max(1, (blocks + mostBlocks - 1) / mostBlocks)
        size = max(1, (blocks + wanted - 1) / wanted) * block
        count = (rows + size - 1) / size
    }

    /// Chunk `chunk`'s rows.
    func range(_ chunk: Int) -> Range<Int> { (chunk * size)..<min(rows, (chunk + 1) * size) }
}
