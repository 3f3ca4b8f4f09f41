/// HDF5 object paths as this module spells them: absolute, "/"-separated, no empty components.
enum H5Path {
    static func components(_ path: String) -> [String] {
        path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
    }

    static func normalized(_ path: String) -> String {
        "/" + components(path).joined(separator: "/")
    }

    static func join(_ group: String, _ name: String) -> String {
        normalized(group + "/" + name)
    }
}
