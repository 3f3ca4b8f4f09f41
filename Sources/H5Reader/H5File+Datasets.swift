import CHDF5

extension H5File {
    /// A numeric dataset (float16/32/64, signed or unsigned 8–64-bit integers) read as Float32.
    /// Scalars have shape []. Refuses shapes too large to read or larger than the stored data.
    public func dataset(_ path: String) throws(H5Error) -> H5Array {
        let location = location(path)
        return try HDF5Library.serialized { () throws(H5Error) -> H5Array in
            guard exists(location.path) else { throw location.error(.missingObject, "no such dataset") }
            guard isDataset(location.path) else { throw location.error(.wrongType, "expected a dataset, found a group") }
            let dataset = H5Dopen2(id, location.path, kl_H5P_DEFAULT())
            guard dataset >= 0 else { throw location.libraryError(.readFailed, "cannot open the dataset") }
            return try H5Numbers.read(H5Value(kind: .dataset, id: dataset, location: location))
        }
    }
}
