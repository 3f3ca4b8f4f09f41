import CHDF5

/// A model file reads only itself. libhdf5 would follow an external link into another file, read a dataset's bytes
/// from an external raw file, map regions of other files through a virtual dataset, and load a filter plugin that a
/// dataset names. Keras writes none of these, so a file using any of them is refused as it is opened, before a byte
/// of data is read: every link reachable from the root is walked once, and every dataset's creation properties are
/// checked. Soft links stay allowed (they can only name paths inside the file) as long as each resolves within
/// libhdf5's bound on link chains, which also ends cycles.
enum H5Containment {
    /// The filters libhdf5 carries itself and that Keras's writers (h5py) can use; any other id needs a plugin.
    /// (szip is built in too, but no Keras file uses it.)
    static let builtInFilters: KeyValuePairs<H5Z_filter_t, String> = [
        H5Z_filter_t(H5Z_FILTER_DEFLATE): "deflate", H5Z_filter_t(H5Z_FILTER_SHUFFLE): "shuffle",
        H5Z_filter_t(H5Z_FILTER_FLETCHER32): "fletcher32", H5Z_filter_t(H5Z_FILTER_SCALEOFFSET): "scale-offset",
        H5Z_filter_t(H5Z_FILTER_NBIT): "n-bit",
    ]

    /// More links than any model has (a ResNet152 has a few thousand); every link costs a few bytes of file,
    /// so this only bounds the time a hostile file can make the walk take.
    static let maxLinks = 1 << 20

    /// Checks the open file `file`; `name` is the file's path or label, for errors. Call inside `serialized`.
    static func check(_ file: hid_t, name: String) throws(H5Error) {
        let walk = Walk(name: name)
        let status = withExtendedLifetime(walk) {
            H5Lvisit(file, H5_INDEX_NAME, H5_ITER_NATIVE, { group, linkName, info, context in
                guard let linkName, let info, let context else { return -1 }
                let walk = Unmanaged<Walk>.fromOpaque(context).takeUnretainedValue()
                return walk.visit(group, String(cString: linkName), info.pointee) ? 0 : -1
            }, Unmanaged.passUnretained(walk).toOpaque())
        }
        if let failure = walk.failure { throw failure }
        guard status >= 0 else {
            throw H5Location(file: name, path: "/").libraryError(.readFailed, "cannot walk the file's links")
        }
        // Soft links are resolved only now that no link anywhere leads out of the file.
        for path in walk.softLinks where H5Oexists_by_name(file, path, kl_H5P_DEFAULT()) <= 0 {
            throw H5Location(file: name, path: path).error(.brokenLink,
                "soft link to '\(softLinkTarget(file, path) ?? "?")' does not resolve inside the file (a missing object, a cycle, or a chain longer than libhdf5 follows)")
        }
    }

    /// One walk over a file's links, collecting the first refusal (libhdf5's callback can only say stop).
    private final class Walk {
        let name: String
        var failure: H5Error?
        var softLinks: [String] = []
        var count = 0

        init(name: String) { self.name = name }

        func visit(_ group: hid_t, _ linkName: String, _ info: H5L_info_t) -> Bool {
            let location = H5Location(file: name, path: H5Path.normalized(linkName))
            do throws(H5Error) {
                count += 1
                guard count <= H5Containment.maxLinks else {
                    throw location.error(.tooLarge, "the file has more than \(H5Containment.maxLinks) links")
                }
                switch info.type {
                case H5L_TYPE_HARD: try checkObject(group, linkName, location)
                case H5L_TYPE_SOFT: softLinks.append(location.path)
                case H5L_TYPE_EXTERNAL:
                    throw location.error(.reachesOutside, "an external link, into another file")
                default:
                    throw location.error(.reachesOutside, "a user-defined link (class \(info.type.rawValue)), which libhdf5 would hand to code outside the file")
                }
                return true
            } catch {
                failure = error
                return false
            }
        }

        private func checkObject(_ group: hid_t, _ linkName: String, _ location: H5Location) throws(H5Error) {
            let object = H5Oopen(group, linkName, kl_H5P_DEFAULT())
            guard object >= 0 else { throw location.libraryError(.readFailed, "cannot open the object") }
            defer { H5Oclose(object) }
            guard H5Iget_type(object) == H5I_DATASET else { return }
            let plist = H5Dget_create_plist(object)
            guard plist >= 0 else { throw location.libraryError(.readFailed, "cannot read the dataset's storage properties") }
            defer { H5Pclose(plist) }
            try H5Containment.checkStorage(plist, location)
        }
    }

    /// Refuses raw data kept in other files (external storage, virtual layout) and filters that need a plugin.
    static func checkStorage(_ plist: hid_t, _ location: H5Location) throws(H5Error) {
        if H5Pget_layout(plist) == H5D_VIRTUAL {
            throw location.error(.reachesOutside, "a virtual dataset, whose data are mapped from other files")
        }
        let externalFiles = H5Pget_external_count(plist)
        if externalFiles != 0 {
            throw location.error(.reachesOutside, "a dataset whose data are stored in an external file\(externalFileName(plist))")
        }
        for index in 0..<max(0, H5Pget_nfilters(plist)) {
            var flags: UInt32 = 0
            var valueCount = 0
            var config: UInt32 = 0
            let filter = H5Pget_filter2(plist, UInt32(index), &flags, &valueCount, nil, 0, nil, &config)
            guard !builtInFilters.contains(where: { $0.key == filter }) else { continue }
            throw location.error(.unsupportedFilter,
                "filter \(filter) is not built into libhdf5 (\(builtInFilters.map(\.value).joined(separator: ", "))); filter plugins are never loaded")
        }
    }

    private static func externalFileName(_ plist: hid_t) -> String {
        var name = [CChar](repeating: 0, count: 1024)
        var offset: off_t = 0
        var size: hsize_t = 0
        guard H5Pget_external(plist, 0, name.count, &name, &offset, &size) >= 0 else { return "" }
        return " '\(String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))'"
    }

    private static func softLinkTarget(_ file: hid_t, _ path: String) -> String? {
        var info = H5L_info_t()
        guard H5Lget_info(file, path, &info, kl_H5P_DEFAULT()) >= 0 else { return nil }
        // A soft link's value is its target path with the terminating NUL.
        let length = info.u.val_size - 1
        return H5Name.read { buffer, capacity in
            guard let buffer else { return length }
            return H5Lget_val(file, path, buffer, capacity, kl_H5P_DEFAULT()) >= 0 ? length : -1
        }
    }
}
