import CHDF5

/// An open attribute or dataset with its datatype and dataspace. Both are read the same way except for the
/// final libhdf5 call, so strings and numbers are decoded by shared code. Closes its handles when it ends;
/// create and drop it inside `HDF5Library.serialized`.
struct H5Value: ~Copyable {
    enum Kind { case attribute, dataset }

    let kind: Kind
    let id: hid_t
    let type: hid_t
    let space: hid_t
    let location: H5Location

    /// Takes ownership of `id` (closed even when this initializer throws).
    init(kind: Kind, id: hid_t, location: H5Location) throws(H5Error) {
        let type = kind == .attribute ? H5Aget_type(id) : H5Dget_type(id)
        let space = kind == .attribute ? H5Aget_space(id) : H5Dget_space(id)
        guard type >= 0, space >= 0 else {
            let error = location.libraryError(.readFailed, "cannot read its datatype or dataspace")
            if type >= 0 { H5Tclose(type) }
            if space >= 0 { H5Sclose(space) }
            _ = kind == .attribute ? H5Aclose(id) : H5Dclose(id)
            throw error
        }
        self.kind = kind
        self.id = id
        self.type = type
        self.space = space
        self.location = location
    }

    deinit {
        H5Sclose(space)
        H5Tclose(type)
        _ = kind == .attribute ? H5Aclose(id) : H5Dclose(id)
    }

    var typeClass: H5T_class_t { H5Tget_class(type) }

    /// Reads every element, converted by libhdf5 to `memoryType`, into `elements` (sized by the caller).
    func read<Element>(as memoryType: hid_t, into elements: inout [Element]) throws(H5Error) {
        let status = elements.withUnsafeMutableBytes { buffer in
            kind == .attribute
                ? H5Aread(id, memoryType, buffer.baseAddress)
                : H5Dread(id, memoryType, kl_H5S_ALL(), kl_H5S_ALL(), kl_H5P_DEFAULT(), buffer.baseAddress)
        }
        guard status >= 0 else { throw location.libraryError(.readFailed, "cannot read the values") }
    }

    /// The declared shape and element count, refused before anything is allocated from them when the count
    /// overflows or exceeds `H5Shape.maxElements`.
    func shape() throws(H5Error) -> H5Shape {
        try H5Shape(space: space, location: location)
    }

    /// Refuses a declared byte size the file cannot hold. Attribute data lives inside the file, as does the
    /// data of an unfiltered contiguous dataset, whose real storage size is known as well. A chunked or
    /// compressed dataset may expand, but only so far beyond what is stored: chunks never written read as fill
    /// values, so without this bound a few bytes of header could make the reader allocate gigabytes.
    func checkStorage(_ shape: H5Shape) throws(H5Error) {
        let elementSize = H5Tget_size(type)
        let what = "declared shape \(shape) of \(elementSize)-byte elements"
        let (declared, overflow) = shape.count.multipliedReportingOverflow(by: elementSize)
        guard !overflow else { throw location.error(.tooLarge, "\(what) overflows the byte count") }
        let contiguous = kind == .attribute || isContiguous
        if kind == .dataset {
            let stored = H5Dget_storage_size(id)
            let (expanded, expandedOverflow) = stored.multipliedReportingOverflow(by: Self.maxExpansion)
            let allowed = contiguous ? stored : expandedOverflow ? .max : max(expanded, Self.unstoredAllowance)
            guard UInt64(declared) <= allowed else {
                throw location.error(.tooLarge, "\(what) needs \(declared) bytes but only \(stored) are stored")
            }
        }
        guard contiguous else { return }
        if let fileSize, UInt64(declared) > fileSize {
            throw location.error(.tooLarge, "\(what) needs \(declared) bytes but the file has \(fileSize)")
        }
    }

    /// How far a chunked dataset may expand beyond its stored bytes: deflate, the filter Keras and h5py use,
    /// cannot exceed about 1032:1.
    static let maxExpansion: UInt64 = 1100
    /// Bytes a chunked dataset may declare with no stored chunk at all (h5py leaves an all-fill array unwritten);
    /// small enough that honouring it costs nothing.
    static let unstoredAllowance: UInt64 = 1 << 20

    private var fileSize: UInt64? {
        let file = H5Iget_file_id(id)
        guard file >= 0 else { return nil }
        defer { H5Fclose(file) }
        var size: hsize_t = 0
        return H5Fget_filesize(file, &size) >= 0 ? size : nil
    }

    private var isContiguous: Bool {
        let plist = H5Dget_create_plist(id)
        guard plist >= 0 else { return false }
        defer { H5Pclose(plist) }
        return H5Pget_layout(plist) == H5D_CONTIGUOUS && H5Pget_nfilters(plist) == 0
    }
}
