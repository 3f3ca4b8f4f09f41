/// PyTorch's `interpolate(mode='nearest')` on one channel: output index `d` copies input index
/// `min(floor(d · in/out), in − 1)`. The product is taken in Float as PyTorch's `nearest_idx` does (its scale is a
/// float), so an index whose exact value is an integer rounds the way PyTorch's does. PyTorch's shortcuts for equal
/// sizes (copy) and doubling (`d >> 1`) give what this formula gives, so they need no branch here.
enum NearestResize {
    static func resize(_ values: [Float], shape: [Int], to size: [Int]) -> [Float] {
        let columns = sources(input: shape.last!, output: size.last!)
        guard shape.count == 2 else { return columns.map { values[$0] } }
        let rows = sources(input: shape[0], output: size[0])
        var output = [Float](repeating: 0, count: size[0] * size[1])
        for i in 0..<size[0] {
            let line = rows[i] * shape[1]
            for j in 0..<size[1] { output[i * size[1] + j] = values[line + columns[j]] }
        }
        return output
    }

    private static func sources(input: Int, output: Int) -> [Int] {
        let scale = Float(input) / Float(output)
        return (0..<output).map { min(Int((Float($0) * scale).rounded(.down)), input - 1) }
    }
}
