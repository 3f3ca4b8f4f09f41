import Foundation
import FuzzDriver
@testable import KerasLensGraph
@testable import KerasLensKeras
import KerasLensH5Reader

/// One libFuzzer input: any bytes as a Keras `.h5` file opened from memory, as a `.keras` archive's weights are,
/// then imported into a graph (which reads the configuration and every weight). A refusal is the expected outcome;
/// a crash, a sanitizer report, a huge allocation or a read of another file is a bug.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzKerasHDF5(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let start else { return 0 }
    let bytes = [UInt8](UnsafeBufferPointer(start: start, count: count))
    guard let file = try? KerasFile(hdf5Bytes: bytes, name: "fuzz.h5") else { return 0 }
    _ = try? KerasImporter.build(file)
    return 0
}

exit(runLibFuzzer { fuzzKerasHDF5($0, $1) })
