// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "KerasLens",
    products: [
        .executable(name: "keraslens", targets: ["convert"]),
        .library(name: "KerasLens", targets: ["KerasLens"]),
        // The file readers alone, for the fuzz targets in Fuzz/ (which need no runtime).
        .library(name: "KerasLensReaders", targets: ["KerasLensH5Reader", "KerasLensGraph", "KerasLensKeras", "KerasLensNative", "KerasLensImages"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    ],
    targets: [
        .systemLibrary(name: "CHDF5", pkgConfig: "hdf5", providers: [.apt(["libhdf5-dev"])]),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CZlibShim", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CJPEG", pkgConfig: "libjpeg", providers: [.apt(["libjpeg62-turbo-dev"])]),
        // Module names carry the package's name so that they cannot clash with an app's own; the folders keep the
        // short names. The IR (KerasLensGraph) stands alone: Runtime runs a native file without libhdf5 or protobuf.
        .target(name: "KerasLensH5Reader", dependencies: ["CHDF5", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
                path: "Sources/H5Reader"),
        .target(name: "KerasLensGraph", path: "Sources/Graph", exclude: ["Keras", "Native", "ONNX"]),
        .target(name: "KerasLensKeras", dependencies: ["KerasLensGraph", "KerasLensH5Reader"], path: "Sources/Graph/Keras"),
        .target(name: "KerasLensNative", dependencies: ["KerasLensGraph"], path: "Sources/Graph/Native"),
        .target(name: "KerasLensONNX", dependencies: ["KerasLensGraph", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
                path: "Sources/Graph/ONNX"),
        .target(name: "KerasLensRuntime", dependencies: ["KerasLensGraph", "COpenBLAS"], path: "Sources/Runtime"),
        .target(name: "KerasLensXAI", dependencies: ["KerasLensRuntime", "KerasLensImages", "CZlibShim"], path: "Sources/XAI"),
        // Image files as model inputs (libpng, libjpeg-turbo), pixel for pixel as keras.utils.load_img reads them.
        .target(name: "KerasLensImages", dependencies: ["KerasLensGraph", "CPNG", "CJPEG"], path: "Sources/Images"),
        // One import for an app: every module above, and `ModelFile`, which opens any model file by its kind.
        .target(name: "KerasLens", dependencies: ["KerasLensKeras", "KerasLensNative", "KerasLensONNX", "KerasLensXAI"]),
        .executableTarget(
            name: "convert",
            dependencies: ["KerasLens", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // Test helpers shared by the test targets (scratch folders removed when the test process exits).
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "H5ReaderTests", dependencies: ["KerasLensH5Reader"], exclude: ["cases", "make_cases.py"]),
        .testTarget(name: "GraphTests", dependencies: ["TestSupport", "KerasLens"]),
        .testTarget(name: "RuntimeTests", dependencies: ["TestSupport", "KerasLens"]),
        .testTarget(name: "XAITests", dependencies: ["KerasLens"]),
        .testTarget(name: "CLITests", dependencies: ["TestSupport", "convert", "KerasLens"]),
        .testTarget(name: "ImagesTests", dependencies: ["TestSupport", "KerasLensImages", "KerasLensGraph"]),
        .testTarget(name: "BadInputTests", dependencies: ["KerasLens"]),
    ],
    swiftLanguageModes: [.v6]
)
