/// The shape per-sample `shapes` broadcast to, NumPy's way (aligned at the end, 1 stretched), or nil when two sizes
/// on one axis differ and neither is 1.
func broadcastShape(_ shapes: [[Int]]) -> [Int]? {
    let rank = shapes.map(\.count).max() ?? 0
    var result = [Int](repeating: 1, count: rank)
    for shape in shapes {
        for (offset, size) in shape.enumerated() {
            let axis = rank - shape.count + offset
            if result[axis] == 1 {
                result[axis] = size
            } else if size != 1 && size != result[axis] {
                return nil
            }
        }
    }
    return result
}
