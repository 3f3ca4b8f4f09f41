import Foundation

/// Dense layers' kernels packed for the vector kernel (`VectorISA.packed`), shared by a model's plans: the inference
/// plan and the gradient plans run a layer forward through the same packed weights, and VGG16's classifier holds
/// 475 MB of them, which a copy per plan would double. A kernel is known by its array's storage (`sharesStorage`; the
/// cache keeps the array, so the storage stays that array's), never by equal values.
final class DensePacks: @unchecked Sendable {
    private let lock = NSLock()
    private var packs: [(kernel: [Float], isa: VectorISA, packed: [Float])] = []

    /// `kernel` ([rows, width], row-major) packed for `isa`, packed on first use.
    func packed(_ kernel: [Float], rows: Int, width: Int, isa: VectorISA) -> [Float] {
        lock.withLock {
            if let pack = packs.first(where: { $0.isa == isa && sharesStorage($0.kernel, kernel) }) {
                return pack.packed
            }
            let packed = Self.pack(kernel, rows: rows, width: width, isa: isa)
            packs.append((kernel, isa, packed))
            return packed
        }
    }

    /// `kernel` packed for `isa`, uncached.
    static func pack(_ kernel: [Float], rows: Int, width: Int, isa: VectorISA) -> [Float] {
        isa.packed(rows: rows, width: width) { _, row, column in kernel[row * width + column] }.values
    }
}
