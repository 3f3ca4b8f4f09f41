import CHDF5
import Foundation

/// A read-only HDF5 file, on disk or in memory, open for the lifetime of this object.
///
/// Immutable after `init`, and every libhdf5 call goes through `HDF5Library.serialized`, so it can be
/// shared across tasks.
public final class H5File: Sendable {
    /// Path or label of the file, used in errors.
    public let name: String
    let id: hid_t

    public init(path: String) throws(H5Error) {
        let location = H5Location(file: path, path: "")
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw location.error(.cannotOpen, "no such file")
        }
        guard !isDirectory.boolValue else { throw location.error(.cannotOpen, "is a directory") }
        let mapped: Data
        do {
            mapped = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw location.error(.cannotOpen, "cannot be read (\(error.localizedDescription))")
        }
        try H5GlobalHeapCheck.check(mapped, name: path)
        name = path
        id = try HDF5Library.serialized { () throws(H5Error) -> hid_t in
            switch H5Fis_hdf5(path) {
            case 0: throw location.error(.notHDF5, "not an HDF5 file (no HDF5 signature)")
            case ..<0: throw location.libraryError(.cannotOpen, "cannot be read")
            default: break
            }
            let id = H5Fopen(path, kl_H5F_ACC_RDONLY(), kl_H5P_DEFAULT())
            guard id >= 0 else { throw location.libraryError(.cannotOpen, "cannot be opened") }
            return try Self.contained(id, name: path)
        }
    }

    /// Opens an HDF5 image held in memory (e.g. `model.weights.h5` from a `.keras` archive); libhdf5 copies it.
    public init(bytes: [UInt8], name: String) throws(H5Error) {
        let location = H5Location(file: name, path: "")
        guard H5Signature.isPresent(in: bytes) else {
            throw location.error(.notHDF5, "not an HDF5 file (no HDF5 signature)")
        }
        try H5GlobalHeapCheck.check(bytes, name: name)
        self.name = name
        id = try HDF5Library.serialized { () throws(H5Error) -> hid_t in
            let access = H5Pcreate(kl_H5P_FILE_ACCESS())
            guard access >= 0 else { throw location.libraryError(.cannotOpen, "cannot create a file-access list") }
            defer { H5Pclose(access) }
            let imageSet = bytes.withUnsafeBytes { image in
                H5Pset_fapl_core(access, 1 << 16, false) >= 0
                    && H5Pset_file_image(access, UnsafeMutableRawPointer(mutating: image.baseAddress), image.count) >= 0
            }
            guard imageSet else { throw location.libraryError(.cannotOpen, "cannot hand the image to libhdf5") }
            let id = H5Fopen(HDF5Library.uniqueImageName(), kl_H5F_ACC_RDONLY(), access)
            guard id >= 0 else { throw location.libraryError(.cannotOpen, "cannot be opened") }
            return try Self.contained(id, name: name)
        }
    }

    /// `id` once the file has been checked to read only itself (H5Containment); closed when it does not.
    private static func contained(_ id: hid_t, name: String) throws(H5Error) -> hid_t {
        do {
            try H5Containment.check(id, name: name)
        } catch {
            H5Fclose(id)
            throw error
        }
        return id
    }

    deinit {
        HDF5Library.serialized { _ = H5Fclose(id) }
    }

    func location(_ path: String) -> H5Location {
        H5Location(file: name, path: H5Path.normalized(path))
    }

    /// Whether any object (group or dataset) is at `path`. Checks each link in turn, since libhdf5 fails
    /// rather than answering "no" when an intermediate group is missing.
    public func exists(_ path: String) -> Bool {
        HDF5Library.serialized {
            var prefix = ""
            for component in H5Path.components(path) {
                prefix += "/" + component
                guard H5Lexists(id, prefix, kl_H5P_DEFAULT()) > 0 else { return false }
            }
            return prefix.isEmpty || H5Oexists_by_name(id, prefix, kl_H5P_DEFAULT()) > 0
        }
    }

    public func isGroup(_ path: String) -> Bool {
        objectType(path) == H5I_GROUP
    }

    public func isDataset(_ path: String) -> Bool {
        objectType(path) == H5I_DATASET
    }

    private func objectType(_ path: String) -> H5I_type_t? {
        HDF5Library.serialized {
            guard exists(path) else { return nil }
            let object = H5Oopen(id, H5Path.normalized(path), kl_H5P_DEFAULT())
            guard object >= 0 else { return nil }
            defer { H5Oclose(object) }
            return H5Iget_type(object)
        }
    }

    /// Names of the group's direct children: in creation order when the file tracks it, else in name order.
    public func children(of group: String) throws(H5Error) -> [String] {
        let location = location(group)
        return try HDF5Library.serialized { () throws(H5Error) -> [String] in
            let gid = try openGroup(location)
            defer { H5Gclose(gid) }
            var info = H5G_info_t()
            guard H5Gget_info(gid, &info) >= 0 else { throw location.libraryError(.readFailed, "cannot list the group") }
            let count = Int(info.nlinks)
            if tracksCreationOrder(gid), let names = linkNames(gid, count: count, order: H5_INDEX_CRT_ORDER) {
                return names
            }
            guard let names = linkNames(gid, count: count, order: H5_INDEX_NAME) else {
                throw location.libraryError(.readFailed, "cannot read the names of its \(count) children")
            }
            return names
        }
    }

    func openGroup(_ location: H5Location) throws(H5Error) -> hid_t {
        guard exists(location.path) else { throw location.error(.missingObject, "no such group") }
        guard isGroup(location.path) else { throw location.error(.wrongType, "expected a group, found a dataset") }
        let gid = H5Gopen2(id, location.path, kl_H5P_DEFAULT())
        guard gid >= 0 else { throw location.libraryError(.readFailed, "cannot open the group") }
        return gid
    }

    private func tracksCreationOrder(_ gid: hid_t) -> Bool {
        let plist = H5Gget_create_plist(gid)
        guard plist >= 0 else { return false }
        defer { H5Pclose(plist) }
        var flags: UInt32 = 0
        return H5Pget_link_creation_order(plist, &flags) >= 0 && flags & UInt32(H5P_CRT_ORDER_TRACKED) != 0
    }

    /// nil when libhdf5 cannot list in that order (creation order tracked but not indexed, for instance).
    private func linkNames(_ gid: hid_t, count: Int, order: H5_index_t) -> [String]? {
        var names: [String] = []
        for index in 0..<count {
            let name = H5Name.read { buffer, size in
                H5Lget_name_by_idx(gid, ".", order, H5_ITER_INC, hsize_t(index), buffer, size, kl_H5P_DEFAULT())
            }
            guard let name else { return nil }
            names.append(name)
        }
        return names
    }
}
