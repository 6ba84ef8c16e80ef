// swift-tools-version:6.0
import PackageDescription

/// C loops that measured faster than Swift (see BENCHMARKS.md). x86-64-v3 (AVX2+FMA) is the floor of every
/// machine this kit targets; `-fno-math-errno` lets clang vectorize sqrt/div.
let kernelFlags: [CSetting] = [.unsafeFlags(["-O3", "-fno-math-errno", "-mavx2", "-mfma"])]

let package = Package(
    name: "GenerativeKit",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "Tensor", targets: ["Tensor"]),
        .library(name: "NN", targets: ["NN"]),
        .library(name: "Artifacts", targets: ["Artifacts"]),
        .library(name: "Figures", targets: ["Figures"]),
        .library(name: "Experiment", targets: ["Experiment"]),
        .library(name: "Report", targets: ["Report"]),
        .executable(name: "report", targets: ["ReportTool"]),
        .executable(name: "kit-bench", targets: ["Bench"]),
        .executable(name: "talk", targets: ["Talk"]),
        .executable(name: "chapter1", targets: ["Chapter1"]),
        .executable(name: "chapter2", targets: ["Chapter2"]),
        .executable(name: "chapter3", targets: ["Chapter3"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // System libraries, found through pkg-config (`make setup` installs them).
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CCairo", pkgConfig: "cairo", providers: [.apt(["libcairo2-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .target(name: "CKernels", cSettings: kernelFlags),

        // The tensor core and the layers built on it.
        .target(name: "Tensor", dependencies: [
            "COpenBLAS", "CKernels", .product(name: "Numerics", package: "swift-numerics"),
        ]),
        .target(name: "NN", dependencies: ["Artifacts", "Tensor", "CKernels"]),

        // Figures and the report: no tensors here. Artifacts is what they share: the files a run writes and the
        // report reads (results, manifest, tables), atomic writes, JSON values, CSV text and SHA-256.
        .target(name: "Artifacts", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "Figures", dependencies: ["Artifacts", "CCairo", "CPNG"]),
        // The frame every chapter program shares; it loads catalog data sets as the run's recorded inputs.
        .target(name: "Experiment", dependencies: [
            "Artifacts", "Datasets", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .target(name: "Report", dependencies: ["Artifacts"]),
        .executableTarget(name: "ReportTool", dependencies: [
            "Report", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Data sets, metrics, and one library per method family.
        .target(name: "Datasets", dependencies: ["Artifacts", "Tensor", "CPNG"]),
        .target(name: "Evaluation", dependencies: ["NN", "Tensor", "Datasets"]),
        .target(name: "GAN", dependencies: ["NN", "Tensor"]),
        .target(name: "TimeGAN", dependencies: ["NN", "Tensor", "Datasets"]),
        .target(name: "TabularDiffusion", dependencies: ["NN", "Tensor", "Datasets"]),
        .target(name: "TabularBaselines", dependencies: ["NN", "Tensor", "Datasets"]),
        .target(name: "GPVAE", dependencies: ["NN", "Tensor"]),
        .target(name: "DiffusionFeatures", dependencies: ["NN", "Tensor"]),

        // Chapter programs: thin experiments over the libraries.
        .executableTarget(name: "Talk", dependencies: [
            "GAN", "TimeGAN", "Evaluation", "Datasets", "Experiment", "Figures", "Report", "Tensor",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], path: "chapters/talk", exclude: ["slides.md"]),
        .executableTarget(name: "Chapter1", dependencies: [
            "GPVAE", "Evaluation", "Datasets", "Experiment", "Figures", "Report", "Tensor",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], path: "chapters/1-gpvae", exclude: ["chapter.md"]),
        .executableTarget(name: "Chapter2", dependencies: [
            "DiffusionFeatures", "Evaluation", "Datasets", "Experiment", "Figures", "Artifacts", "Report", "NN", "Tensor",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], path: "chapters/2-segmentation", exclude: ["chapter.md"]),
        .executableTarget(name: "Chapter3", dependencies: [
            "TabularDiffusion", "TabularBaselines", "Evaluation", "Datasets", "Experiment", "Figures", "Artifacts", "Report", "Tensor",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], path: "chapters/3-tabddpm", exclude: ["chapter.md"]),

        .executableTarget(name: "Bench", dependencies: [
            "Tensor", "NN", "GPVAE", "DiffusionFeatures", "Datasets", "TabularDiffusion", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .testTarget(name: "TensorTests", dependencies: ["Tensor", "CKernels", "COpenBLAS"]),
        .testTarget(name: "NNTests", dependencies: ["NN", "Tensor"]),
        .testTarget(name: "ArtifactsTests", dependencies: ["Artifacts"]),
        .testTarget(name: "FiguresTests", dependencies: ["Figures"]),
        .testTarget(name: "ExperimentTests", dependencies: ["Experiment", "Artifacts", "Datasets"]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "Tensor"]),
        .testTarget(name: "EvaluationTests", dependencies: ["Evaluation", "Datasets", "NN", "Tensor"]),
        .testTarget(name: "GANTests", dependencies: ["GAN", "NN", "Tensor"]),
        .testTarget(name: "TimeGANTests", dependencies: ["TimeGAN", "Datasets", "Evaluation", "NN", "Tensor"]),
        // Experiment only to write run artifacts the way chapter programs do, for the report to read back.
        .testTarget(name: "ReportTests", dependencies: ["Report", "Artifacts", "Experiment"]),
        .testTarget(name: "TabularDiffusionTests", dependencies: ["TabularDiffusion", "Datasets", "NN", "Tensor"]),
        .testTarget(name: "TabularBaselinesTests", dependencies: ["TabularBaselines", "Datasets", "NN", "Tensor"]),
        .testTarget(name: "GPVAETests", dependencies: ["GPVAE", "Evaluation", "NN", "Tensor"]),
        .testTarget(name: "DiffusionFeaturesTests", dependencies: ["DiffusionFeatures", "Evaluation", "NN", "Tensor"]),
        // The chapter programs' end-to-end tests run their executables (built alongside) as a user would.
        .target(name: "ChapterProgramSupport", path: "Tests/ChapterProgramSupport"),
        .testTarget(name: "Chapter1Tests", dependencies: ["Chapter1", "ChapterProgramSupport"]),
        .testTarget(name: "Chapter2Tests", dependencies: ["Chapter2", "ChapterProgramSupport"]),
        .testTarget(name: "Chapter3Tests", dependencies: ["Chapter3", "ChapterProgramSupport"]),
        .testTarget(name: "TalkTests", dependencies: ["Talk", "ChapterProgramSupport"]),
    ]
)
