// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "KerasLens",
    products: [
        .executable(name: "keraslens", targets: ["convert"]),
        .library(name: "KerasLens", targets: ["H5Reader", "Graph", "Runtime", "XAI", "Images"]),
        // The file readers alone, for the fuzz targets in Fuzz/ (which need no runtime).
        .library(name: "KerasLensReaders", targets: ["H5Reader", "Graph", "Images"]),
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
        .target(name: "H5Reader", dependencies: ["CHDF5", .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        .target(name: "Graph", dependencies: ["H5Reader", .product(name: "SwiftProtobuf", package: "swift-protobuf")]),
        .target(name: "Runtime", dependencies: ["Graph", "COpenBLAS"]),
        .target(name: "XAI", dependencies: ["Runtime", "Images", "CZlibShim", "COpenBLAS"]),
        // Image files as model inputs (libpng, libjpeg-turbo), pixel for pixel as keras.utils.load_img reads them.
        .target(name: "Images", dependencies: ["Graph", "CPNG", "CJPEG"]),
        .executableTarget(
            name: "convert",
            dependencies: ["XAI", "Images", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .testTarget(name: "H5ReaderTests", dependencies: ["H5Reader"], exclude: ["cases", "make_cases.py"]),
        .testTarget(name: "GraphTests", dependencies: ["Graph"]),
        .testTarget(name: "RuntimeTests", dependencies: ["Runtime"]),
        .testTarget(name: "XAITests", dependencies: ["XAI"]),
        .testTarget(name: "CLITests", dependencies: ["convert", "XAI", "Images"]),
        .testTarget(name: "ImagesTests", dependencies: ["Images", "Graph"]),
        .testTarget(name: "BadInputTests", dependencies: ["H5Reader", "Graph", "Images"]),
    ],
    swiftLanguageModes: [.v6]
)
