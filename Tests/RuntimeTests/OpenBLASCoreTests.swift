import COpenBLAS
import Foundation
@testable import KerasLensRuntime
import Testing

/// OpenBLAS runs vector kernels on a CPU with AVX2 or AVX-512 even where its build does not know the CPU and fell
/// back to SSE3 ("Prescott", seen on an Intel family 6 model 207 Xeon with Debian 12's OpenBLAS 0.3.21).
@Suite struct OpenBLASCoreTests {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil, "a core the user chose is left alone"),
          .enabled(if: !VectorISA.available.isEmpty, "a CPU without AVX2 has no vector kernels to pick"))
    func noSSE3FallbackOnAVXMachines() {
        _ = BLAS.configured
        let core = String(cString: openblas_get_corename())
        #expect(core.lowercased() != "prescott", "OpenBLAS runs \(core) kernels on a CPU with \(VectorISA.available)")
    }
}
