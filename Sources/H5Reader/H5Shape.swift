import CHDF5

/// A dataspace's declared dimensions, checked so that nothing is ever allocated from a hostile shape.
struct H5Shape: CustomStringConvertible {
    /// Most elements one read will produce: 2^31 Float32 values are already 8 GiB.
    static let maxElements = 1 << 31

    /// [] for a scalar; [0] for a null dataspace (h5py's `Empty`), which holds no elements.
    let dims: [Int]
    let count: Int

    init(space: hid_t, location: H5Location) throws(H5Error) {
        switch H5Sget_simple_extent_type(space) {
        case H5S_SCALAR:
            dims = []
        case H5S_NULL:
            dims = [0]
        case H5S_SIMPLE:
            let rank = Int(H5Sget_simple_extent_ndims(space))
            guard rank >= 0 else { throw location.libraryError(.readFailed, "cannot read its dataspace") }
            var declared = [hsize_t](repeating: 0, count: rank)
            guard H5Sget_simple_extent_dims(space, &declared, nil) >= 0 else {
                throw location.libraryError(.readFailed, "cannot read its dimensions")
            }
            guard declared.allSatisfy({ $0 <= UInt64(Int.max) }) else {
                let shown = declared.map(String.init).joined(separator: ", ")
                throw location.error(.tooLarge, "declared shape (\(shown)) has a dimension beyond Int")
            }
            dims = declared.map { Int($0) }
        default:
            throw location.libraryError(.readFailed, "cannot read its dataspace")
        }
        var count = 1
        for dim in dims {
            let (product, overflow) = count.multipliedReportingOverflow(by: dim)
            guard !overflow else {
                throw location.error(.tooLarge, "declared shape \(Self.format(dims)): element count overflows Int")
            }
            count = product
        }
        guard count <= Self.maxElements else {
            throw location.error(.tooLarge,
                "declared shape \(Self.format(dims)) has \(count) elements, more than the \(Self.maxElements) allowed")
        }
        self.count = count
    }

    var description: String { Self.format(dims) }

    static func format(_ dims: [Int]) -> String {
        "(" + dims.map(String.init).joined(separator: ", ") + ")"
    }
}
