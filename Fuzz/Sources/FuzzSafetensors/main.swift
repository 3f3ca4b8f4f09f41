import Foundation
import FuzzDriver
import KerasLensGraph
import KerasLensNative

/// The file each input is written to: the native reader maps files, so it is fuzzed exactly as it reads them.
/// /dev/shm keeps the write in memory where it exists.
private let path: String = {
    let folder = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
    return "\(folder)/keraslens-fuzz-\(getpid()).safetensors"
}()

/// One libFuzzer input: any bytes as a native `.safetensors` file, read with its self-test.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzSafetensors(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let start else { return 0 }
    guard FileManager.default.createFile(atPath: path, contents: Data(bytes: start, count: count)) else { return 0 }
    _ = try? NativeFile.read(path: path, selfTest: true)
    return 0
}

exit(runLibFuzzer { fuzzSafetensors($0, $1) })
