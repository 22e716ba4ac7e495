// swift-tools-version:6.0
// cfx — counterfactual explanations on graphs and molecules.
//
// Dependency direction (lowest first): Basics (shared small algorithms), C system libraries and
// shims → Tensor → NN / Clustering (k-means, mixtures, Ward, spectral, clustering metrics; beside
// NN, knows nothing of images, graphs or chemistry) →
// Nauty / Planarity → Graphs → Chemistry / Rendering → (Diffusion, Workbench) → cfx; Images sits
// on NN and Clustering (the clustering pipeline) and knows nothing of graphs or chemistry.
// MessagePassing (MPI ranks as a Basics.ProcessGroup) sits on Basics alone; only cfx imports it.
// Each C library is imported by exactly one Swift target, so a product links only what it uses.
import PackageDescription

/// Hot C kernels are compiled optimised even in debug builds, so the test suite (which trains
/// small models) stays fast; runtime CPU dispatch picks AVX2/AVX-512 code paths (clang target_clones;
/// see Sources/CTensorKernels/kernels.c).
let kernelCSettings: [CSetting] = [.unsafeFlags(["-O3", "-fno-math-errno"])]

let package = Package(
  name: "cfx",
  platforms: [.macOS(.v14)],
  products: [
    .executable(name: "cfx", targets: ["cfx"]),
    .library(name: "Tensor", targets: ["Tensor"]),
    .library(name: "NN", targets: ["NN"]),
    .library(name: "Clustering", targets: ["Clustering"]),
    .library(name: "Graphs", targets: ["Graphs"]),
    .library(name: "Chemistry", targets: ["Chemistry"]),
    .library(name: "Rendering", targets: ["Rendering"]),
    .library(name: "DiffusionCore", targets: ["DiffusionCore"]),
    .library(name: "Images", targets: ["Images"]),
    .library(name: "Diffusion", targets: ["Diffusion"]),
    .library(name: "Molecules", targets: ["Molecules"]),
    .library(name: "Workbench", targets: ["Workbench"]),
    .library(name: "MessagePassing", targets: ["MessagePassing"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
  ],
  targets: [
    // MARK: C system libraries (one thin module map each) and C/C++ shims.
    .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
    .systemLibrary(name: "CGraphviz", pkgConfig: "libgvc", providers: [.apt(["libgraphviz-dev"])]),
    .systemLibrary(name: "CNauty", pkgConfig: "nauty", providers: [.apt(["libnauty2-dev"])]),
    .systemLibrary(name: "CPlanarity", providers: [.apt(["libplanarity-dev"])]),
    .systemLibrary(name: "CImageCodecsSys", pkgConfig: "libpng", providers: [.apt(["libpng-dev", "zlib1g-dev"])]),
    .target(name: "CImageCodecs", dependencies: ["CImageCodecsSys"], linkerSettings: [.linkedLibrary("png16"), .linkedLibrary("z")]),
    .systemLibrary(
      name: "COpenBabelSys", pkgConfig: "openbabel-3", providers: [.apt(["libopenbabel-dev"])]),
    .target(
      name: "COpenBabelShim", dependencies: ["COpenBabelSys"],
      linkerSettings: [.linkedLibrary("m")]),
    .systemLibrary(name: "CMPISys", pkgConfig: "ompi-c", providers: [.apt(["libopenmpi-dev", "openmpi-bin"])]),
    .target(name: "CMPIShim", dependencies: ["CMPISys"]),
    .target(name: "CTensorKernels", cSettings: kernelCSettings, linkerSettings: [.linkedLibrary("m")]),

    // MARK: Swift modules.
    .target(name: "Basics"),
    .target(name: "Tensor", dependencies: ["Basics", "CBLAS", "CTensorKernels"]),
    .target(name: "NN", dependencies: ["Basics", "Tensor"]),
    .target(name: "Clustering", dependencies: ["Basics", "Tensor"]),
    .target(name: "Nauty", dependencies: ["CNauty"]),
    .target(name: "Planarity", dependencies: ["CPlanarity"]),
    .target(name: "Graphs", dependencies: ["Basics", "Nauty", "Planarity", "Tensor"]),
    .target(name: "Chemistry", dependencies: ["Basics", "COpenBabelShim"]),
    .target(name: "Rendering", dependencies: ["Basics", "CGraphviz"]),
    .target(name: "MessagePassing", dependencies: ["Basics", "CMPIShim"]),
    .target(name: "DiffusionCore", dependencies: ["Tensor"]),
    .target(name: "Images", dependencies: ["Basics", "Tensor", "NN", "Clustering", "DiffusionCore", "CImageCodecs"]),
    .target(name: "Diffusion", dependencies: ["Basics", "DiffusionCore", "NN", "Graphs"]),
    .target(name: "Molecules", dependencies: ["Basics", "Tensor", "NN", "Graphs", "DiffusionCore", "Diffusion", "Chemistry"]),
    .target(name: "Workbench", dependencies: ["Basics", "Tensor", "NN", "Clustering", "Graphs", "DiffusionCore", "Diffusion", "Chemistry", "Molecules", "Rendering", "Images"]),
    .executableTarget(
      name: "cfx",
      dependencies: [
        "Basics", "DiffusionCore", "Diffusion", "Molecules", "NN", "Images", "Workbench", "MessagePassing", "Tensor",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),

    // MARK: Test support and tests (test targets mirror modules).
    .target(name: "TestSupport", dependencies: ["Tensor"]),
    .testTarget(name: "TensorTests", dependencies: ["Tensor", "TestSupport"]),
    .testTarget(name: "NNTests", dependencies: ["NN", "Tensor", "TestSupport"]),
    .testTarget(name: "ClusteringTests", dependencies: ["Clustering", "Tensor"], exclude: ["Fixtures"]),
    .testTarget(name: "GraphsTests", dependencies: ["Graphs", "Nauty", "Planarity"]),
    .testTarget(name: "ChemistryTests", dependencies: ["Chemistry"]),
    .testTarget(name: "RenderingTests", dependencies: ["Rendering"]),
    .testTarget(name: "DiffusionTests", dependencies: ["Diffusion", "DiffusionCore", "Tensor", "TestSupport"]),
    .testTarget(name: "BasicsTests", dependencies: ["Basics"]),
    .testTarget(name: "ImagesTests", dependencies: ["Basics", "Images", "Tensor", "NN", "Clustering", "TestSupport"]),
    .testTarget(name: "MoleculesTests", dependencies: ["Molecules", "Diffusion", "DiffusionCore"]),
    .testTarget(name: "WorkbenchTests", dependencies: ["DiffusionCore", "Molecules", "Workbench"]),
    .testTarget(name: "CLITests", dependencies: ["cfx", "Tensor"], exclude: ["help"]),
  ],
  cxxLanguageStandard: .cxx17
)
