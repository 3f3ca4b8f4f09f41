import Foundation
import FuzzDriver
import KerasLensGraph

/// One libFuzzer input: any bytes as a `.npy` file. A refusal (`NumPyError`) is the expected outcome; a crash, a
/// sanitizer report or a huge allocation is a bug.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzNumPy(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let start else { return 0 }
    _ = try? NumPyFile.decode(Data(bytes: start, count: count), name: "fuzz.npy")
    return 0
}

exit(runLibFuzzer { fuzzNumPy($0, $1) })
