import Testing
@testable import KerasLensXAI
import KerasLensRuntime

/// Eigen-CAM's principal direction is the top eigenvector of `ĀᵀĀ` whichever side it is computed from: the
/// `k × k` covariance when positions outnumber channels, the `p × p` Gram matrix otherwise (deep layers).
@Suite struct EigenCAMTests {
    /// A reproducible `p × k` matrix, each column centred as Eigen-CAM centres activations.
    static func centred(positions p: Int, channels k: Int, seed: UInt64) -> [Double] {
        var state = seed
        var values = (0..<(p * k)).map { _ -> Double in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53) - 0.5
        }
        for column in 0..<k {
            let mean = (0..<p).reduce(0.0) { $0 + values[$1 * k + column] } / Double(p)
            for row in 0..<p { values[row * k + column] -= mean }
        }
        return values
    }

    /// The reference: `ĀᵀĀ` written out and handed to LAPACK.
    static func covarianceDirection(_ a: [Double], positions p: Int, channels k: Int) throws -> [Double] {
        var covariance = [Double](repeating: 0, count: k * k)
        for i in 0..<k { for j in 0..<k { covariance[i * k + j] = (0..<p).reduce(0.0) { $0 + a[$1 * k + i] * a[$1 * k + j] } } }
        return try #require(LinearAlgebra.topEigenvector(ofSymmetric: covariance, n: k))
    }

    @Test(arguments: [(9, 64), (49, 300), (64, 9), (20, 20), (1, 5)])
    func directionMatchesTheCovariances(_ shape: (Int, Int)) throws {
        let (p, k) = shape
        let a = Self.centred(positions: p, channels: k, seed: UInt64(p * 1000 + k))
        let direction = try #require(EigenCAM.principalDirection(a, positions: p, channels: k))
        let reference = try Self.covarianceDirection(a, positions: p, channels: k)
        let norm = direction.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let cosine = zip(direction, reference).reduce(0) { $0 + $1.0 * $1.1 }
        if p == 1 {
            // One position: nothing varies once centred, so no direction carries anything.
            #expect(direction.allSatisfy { $0 == 0 })
        } else {
            #expect(abs(norm - 1) < 1e-12)
            #expect(abs(abs(cosine) - 1) < 1e-9, "cosine \(cosine)")
        }
    }
}
