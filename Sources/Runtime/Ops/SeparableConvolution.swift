import Graph

/// A depthwise convolution (no bias, no activation) followed by a pointwise matrix product with bias and activation.
struct SeparableConvolutionKernel: Kernel {
    let depthwise: DepthwiseConvolutionKernel
    let pointwise: [Float]
    let bias: [Float]?
    let middleChannels: Int
    let filters: Int
    let positions: Int
    let activation: Activation

    init(node: Node, window: Window, multiplier: Int, activation: Activation, shapes: KernelShapes) {
        depthwise = DepthwiseConvolutionKernel(kernel: node.weights["depthwise_kernel"]!, bias: nil, window: window,
                                               multiplier: multiplier, activation: .linear, shapes: shapes)
        let pointwiseKernel = node.weights["pointwise_kernel"]!
        pointwise = pointwiseKernel.scalars
        bias = node.weights["bias"]?.scalars
        middleChannels = shapes.input.last! * multiplier
        filters = pointwiseKernel.shape.last!
        positions = shapes.output.dropLast().reduce(1, *)
        self.activation = activation
    }

    func forward(_ inputs: [UnsafePointer<Float>], _ output: UnsafeMutablePointer<Float>, batch: Int) {
        let rows = batch * positions
        let middle = UnsafeMutablePointer<Float>.allocate(capacity: rows * middleChannels)
        defer { middle.deallocate() }
        depthwise.forward(inputs, middle, batch: batch)
        pointwise.withUnsafeBufferPointer { pointwise in
            Parallel.forEachRange(rows, cost: middleChannels * filters) { range in
                let result = output + range.lowerBound * filters
                BLAS.multiply(middle + range.lowerBound * middleChannels, pointwise.baseAddress!, into: result,
                              m: range.count, n: filters, k: middleChannels)
                finishRows(result, rows: range.count, channels: filters, bias: bias, activation: activation)
            }
        }
    }

    /// Back through the pointwise product, then through the depthwise convolution.
    func backward(_ inputs: [UnsafePointer<Float>], _ output: UnsafePointer<Float>, _ outputGradient: UnsafePointer<Float>,
                  _ inputGradients: [UnsafeMutablePointer<Float>?], batch: Int) {
        guard inputGradients[0] != nil else { return }
        precondition(activation == .linear, "gradient plans run activations as separate steps")
        let rows = batch * positions
        let middle = UnsafeMutablePointer<Float>.allocate(capacity: rows * middleChannels)
        defer { middle.deallocate() }
        pointwise.withUnsafeBufferPointer { pointwise in
            BLAS.multiply(outputGradient, pointwise.baseAddress!, into: middle, m: rows, n: middleChannels, k: filters,
                          transposeB: true)
        }
        depthwise.backward(inputs, output, middle, inputGradients, batch: batch)
    }
}
