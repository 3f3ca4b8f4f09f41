/// Joins inputs along one axis: for each position before the axis, each input contributes one contiguous block.
struct ConcatenateKernel: Kernel {
    /// Per input, the length of its block at each outer position.
    let blocks: [Int]
    /// Outer positions per sample.
    let outer: Int

    init(axis: Int, shapes: KernelShapes) {
        blocks = shapes.inputs.map { $0[(axis - 1)...].reduce(1, *) }
        outer = shapes.input[..<(axis - 1)].reduce(1, *)
    }

    /// Positions run over the cores; each copies its blocks in order.
    func forward(_ inputs: [UnsafePointer<Float>], _ output: UnsafeMutablePointer<Float>, batch: Int) {
        let width = blocks.reduce(0, +)
        Parallel.forEachRange(batch * outer, cost: width) { positions in
            var destination = output + positions.lowerBound * width
            for position in positions {
                for (input, block) in zip(inputs, blocks) {
                    destination.update(from: input + position * block, count: block)
                    destination += block
                }
            }
        }
    }

    func backward(_ inputs: [UnsafePointer<Float>], _ output: UnsafePointer<Float>, _ outputGradient: UnsafePointer<Float>,
                  _ inputGradients: [UnsafeMutablePointer<Float>?], batch: Int) {
        let width = blocks.reduce(0, +)
        Parallel.forEachRange(batch * outer, cost: width) { positions in
            var source = outputGradient + positions.lowerBound * width
            for position in positions {
                for (gx, block) in zip(inputGradients, blocks) {
                    if let target = gx.map({ $0 + position * block }) {
                        for i in 0..<block { target[i] += source[i] }
                    }
                    source += block
                }
            }
        }
    }
}
