// swift-tools-version: 6.1
import PackageDescription

let strict: [SwiftSetting] = [
  .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
  name: "hpolab",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "hpolab", targets: ["hpolab"]),
    .library(name: "LabCore", targets: ["LabCore"]),
    .library(name: "LabData", targets: ["LabData"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
  ],
  targets: [
    // System library (Debian: libsqlite3-dev).
    .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", providers: [.apt(["libsqlite3-dev"])]),

    .target(name: "LabCore", swiftSettings: strict),
    // The data the lab studies: the recorded trace format (read, write, timings), the trace folder, the campaigns and their search-space presets.
    .target(name: "LabData", dependencies: ["LabCore"], swiftSettings: strict),
    .target(name: "LabNumerics", dependencies: ["LabCore"], swiftSettings: strict),
    .target(name: "LabGaussianProcess", dependencies: ["LabCore", "LabNumerics"], swiftSettings: strict),
    .target(name: "LabOptimizers", dependencies: ["LabCore", "LabData", "LabNumerics", "LabGaussianProcess"], swiftSettings: strict),
    .target(
      name: "LabSimulation",
      dependencies: ["LabCore", .product(name: "HeapModule", package: "swift-collections")],
      swiftSettings: strict),
    .target(name: "LabEvaluators", dependencies: ["LabCore", "LabData", "LabNumerics"], swiftSettings: strict),
    .target(name: "LabStore", dependencies: ["LabCore", "LabData", "CSQLite"], swiftSettings: strict),
    .target(name: "LabStatistics", dependencies: ["LabCore"], swiftSettings: strict),
    .target(name: "LabPlot", dependencies: ["LabCore", "LabData", "LabStatistics"], swiftSettings: strict),
    .target(
      name: "LabStudies",
      dependencies: ["LabCore", "LabData", "LabOptimizers", "LabSimulation", "LabEvaluators", "LabStore", "LabStatistics"],
      swiftSettings: strict),
    .target(name: "LabLive", dependencies: ["LabCore", "LabData", "LabSimulation", "LabOptimizers", "LabStore"], swiftSettings: strict),
    // What the command-line tool shows: figure selection for a study, run or the recordings; run summaries.
    .target(
      name: "LabPresentation",
      dependencies: ["LabCore", "LabData", "LabEvaluators", "LabPlot", "LabStatistics", "LabStore", "LabStudies"],
      swiftSettings: strict),
    .executableTarget(
      name: "hpolab",
      dependencies: [
        "LabCore", "LabData", "LabNumerics", "LabOptimizers", "LabSimulation", "LabEvaluators", "LabStore",
        "LabStatistics", "LabPlot", "LabStudies", "LabLive", "LabPresentation",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: strict),
    .executableTarget(
      name: "hpolab-bench",
      dependencies: [
        "LabCore", "LabData", "LabNumerics", "LabOptimizers", "LabSimulation", "LabEvaluators", "LabStore",
        "LabStatistics", "LabStudies",
      ],
      swiftSettings: strict),

    // Helpers shared by the test targets (fixture lookup: a missing fixture is a failure, never a silent pass).
    .target(name: "LabTestSupport", dependencies: ["LabCore", "LabData"], path: "Tests/LabTestSupport", swiftSettings: strict),

    .testTarget(name: "LabCoreTests", dependencies: ["LabTestSupport", "LabCore"], swiftSettings: strict),
    .testTarget(name: "LabDataTests", dependencies: ["LabTestSupport", "LabCore", "LabData"], swiftSettings: strict),
    .testTarget(name: "LabNumericsTests", dependencies: ["LabTestSupport", "LabCore", "LabNumerics"], swiftSettings: strict),
    .testTarget(name: "LabGaussianProcessTests", dependencies: ["LabTestSupport", "LabCore", "LabNumerics", "LabGaussianProcess", "LabOptimizers"], swiftSettings: strict),
    .testTarget(name: "LabOptimizersTests", dependencies: ["LabTestSupport", "LabCore", "LabData", "LabNumerics", "LabOptimizers", "LabEvaluators", "LabSimulation"], swiftSettings: strict),
    .testTarget(name: "LabSimulationTests", dependencies: ["LabTestSupport", "LabCore", "LabData", "LabSimulation", "LabEvaluators", "LabOptimizers"], swiftSettings: strict),
    .testTarget(name: "LabEvaluatorsTests", dependencies: ["LabTestSupport", "LabCore", "LabData", "LabEvaluators"], swiftSettings: strict),
    .testTarget(name: "LabStoreTests", dependencies: ["LabTestSupport", "LabCore", "LabData", "LabStore"], swiftSettings: strict),
    .testTarget(name: "LabStatisticsTests", dependencies: ["LabTestSupport", "LabCore", "LabData", "LabStatistics"], swiftSettings: strict),
    .testTarget(
      name: "LabPlotTests", dependencies: ["LabTestSupport", "LabCore", "LabData", "LabStatistics", "LabPlot"], exclude: ["Golden"], swiftSettings: strict),
    .testTarget(name: "LabStudiesTests", dependencies: ["LabTestSupport", "LabCore", "LabStudies", "LabStore", "LabStatistics", "LabData", "LabEvaluators"], swiftSettings: strict),
    .testTarget(
      name: "LabLiveTests", dependencies: ["LabTestSupport", "LabCore", "LabData", "LabLive", "LabOptimizers", "LabSimulation", "LabStore"], exclude: ["Fixtures"],
      swiftSettings: strict),
    .testTarget(
      name: "LabPresentationTests", dependencies: ["LabTestSupport", "LabCore", "LabPlot", "LabPresentation"],
      swiftSettings: strict),
    .testTarget(
      name: "HpolabCLITests",
      dependencies: ["LabTestSupport", "LabCore", "LabData", "LabOptimizers", "LabEvaluators", "LabStudies"], swiftSettings: strict),
  ],
  swiftLanguageModes: [.v6]
)
