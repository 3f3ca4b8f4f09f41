import Foundation
import FuzzDriver
@testable import KerasLensGraph
@testable import KerasLensKeras
import KerasLensH5Reader

/// The real model whose weights every fuzzed configuration is imported against, so that configurations naming its
/// layers reach weight matching and shape inference, not only the JSON and structure checks. Set by
/// scripts/fuzz.sh; defaults to the mlp fixture when run from the repository root.
private let weights: KerasFile? = {
    let path = ProcessInfo.processInfo.environment["KERASLENS_FUZZ_WEIGHTS"] ?? "Fixtures/zoo/mlp.k2.h5"
    return try? KerasFile(path: path)
}()

/// One libFuzzer input: any bytes as a Keras `model_config` JSON, imported into a graph.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzModelConfig(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let start else { return 0 }
    guard let weights else { fatalError("the weights file for FuzzModelConfig cannot be opened; set KERASLENS_FUZZ_WEIGHTS") }
    let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    _ = try? KerasImporter.build(weights, config: text)
    return 0
}

exit(runLibFuzzer { fuzzModelConfig($0, $1) })
