// swift-tools-version: 6.0
import PackageDescription

// libFuzzer targets for KerasLens's parsers of untrusted bytes. A package of its own, depending on the main one by
// path, so that `swift build` and `swift test` at the root never see them: they only link when built with
// `-sanitize=fuzzer` (libFuzzer's driver). Build and run them with scripts/fuzz.sh.
let package = Package(
    name: "KerasLensFuzz",
    dependencies: [.package(name: "KerasLens", path: "..")],
    targets: [
        .target(name: "FuzzDriver"),
        .executableTarget(name: "FuzzNumPy", dependencies: ["FuzzDriver", .product(name: "KerasLensReaders", package: "KerasLens")]),
        .executableTarget(name: "FuzzSafetensors", dependencies: ["FuzzDriver", .product(name: "KerasLensReaders", package: "KerasLens")]),
        .executableTarget(name: "FuzzModelConfig", dependencies: ["FuzzDriver", .product(name: "KerasLensReaders", package: "KerasLens")]),
        .executableTarget(name: "FuzzKerasHDF5", dependencies: ["FuzzDriver", .product(name: "KerasLensReaders", package: "KerasLens")]),
        .executableTarget(name: "FuzzImage", dependencies: ["FuzzDriver", .product(name: "KerasLensReaders", package: "KerasLens")]),
    ],
    swiftLanguageModes: [.v6]
)
