// `cfx data images`: the image sets the image pipelines train and explain on, written under
// ~/.cache/cfx/data/images/<set>/ as IDX files per split (train, validation, test), a CSV of the
// generating factors where there are any, a manifest.json (source, licence, generator and seed,
// classes, counts, SHA-256 of every file) and a preview (PNG and SVG grid, one row per class or
// mode). A set is the unit of resumption: a finished set is journalled and reused when its files
// still match their checksums.

import Basics
import Foundation
import Images
import NN
import Tensor

/// The image sets cfx can build.
public enum ImageSetName: String, CaseIterable, Sendable, Codable {
  /// Fashion-MNIST from the Debian package.
  case fashionMNIST = "fashion-mnist"
  /// Generated scenes whose positive class has two known modes.
  case shapesModes = "shapes-modes"
}

/// What `cfx data images` is asked to build.
public struct ImageDataRequest: Sendable {
  /// The sets.
  public var sets: [ImageSetName]
  /// Cache root (default ~/.cache/cfx).
  public var cacheDirectory: URL
  /// Seed of the validation split (Fashion-MNIST) and of generation (generated sets).
  public var seed: UInt64
  /// Images of a generated set's training split (validation and test get a tenth each).
  public var generatedTrainingCount: Int
  /// Where Fashion-MNIST's Debian files are.
  public var fashionMNISTDirectory: URL = FashionMNIST.defaultDirectory

  /// A request.
  public init(sets: [ImageSetName], cacheDirectory: URL? = nil, seed: UInt64 = 0, generatedTrainingCount: Int = 8000) {
    precondition(generatedTrainingCount >= 40 && generatedTrainingCount % 4 == 0, "ImageDataRequest: training count \(generatedTrainingCount) must be a multiple of 4, at least 40")
    self.sets = sets
    self.cacheDirectory = cacheDirectory ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/cfx")
    (self.seed, self.generatedTrainingCount) = (seed, generatedTrainingCount)
  }

  /// The directory of one set.
  public func directory(_ set: ImageSetName) -> URL { cacheDirectory.appendingPathComponent("data/images/\(set.rawValue)") }
}

/// The manifest.json of one image set.
public struct ImageSetManifest: Codable, Sendable {
  /// One split's counts and files.
  public struct Split: Codable, Sendable {
    /// Images, and images per class.
    public var count: Int, classCounts: [Int]
    /// SHA-256 of each file of the split.
    public var files: [String: String]
  }
  /// Set name, where it comes from and under which licence.
  public var set: String, source: String, licence: String
  /// How the splits were made (seeded rules, generator version).
  public var splitRule: String
  /// Seed.
  public var seed: UInt64
  /// Classes by label; channels and size of every image.
  public var classNames: [String], channels: Int, height: Int, width: Int
  /// Names of the per-image factors in the factors CSV (empty: none).
  public var factorNames: [String]
  /// The splits.
  public var splits: [String: Split]

  /// The manifest of the set in `directory` and its bytes (whose SHA-256 identifies the set).
  public static func load(from directory: URL) throws(TrainingError) -> (manifest: ImageSetManifest, bytes: Data) {
    let url = directory.appendingPathComponent("manifest.json")
    guard let bytes = FileManager.default.contents(atPath: url.path), let manifest = try? JSONDecoder().decode(ImageSetManifest.self, from: bytes) else {
      throw .data("\(url.path) is missing or unreadable; build the set with `cfx data images`")
    }
    return (manifest, bytes)
  }
}

/// Builds image sets.
public enum ImageDataJob {
  /// Builds every requested set (reusing finished ones) and returns their manifests and a report.
  public static func run(_ request: ImageDataRequest, progress: (String) -> Void) throws -> (manifests: [ImageSetManifest], text: String) {
    var manifests: [ImageSetManifest] = [], lines: [String] = []
    for (index, set) in request.sets.enumerated() {
      let directory = request.directory(set)
      let identity = [
        "job": "cfx data images", "set": set.rawValue, "seed": "\(request.seed)",
        "generated training count": set == .shapesModes ? "\(request.generatedTrainingCount)" : "-",
        "generator": set == .shapesModes ? "shapes-modes v\(ShapesModes.version)" : FashionMNIST.packageVersion,
      ]
      let journal = try RunJournal(directory: directory, identity: identity)
      if let done = journal.record("set", as: ImageSetManifest.self), filesMatch(done, in: directory) {
        progress("\(set.rawValue): already built (\(directory.path), SHA-256 checked)")
        manifests.append(done)
        lines.append(summary(done, directory: directory))
        continue
      }
      progress("\(set.rawValue): building…")
      let splits: [(String, ImageDataSet)]
      let (source, licence, rule): (String, String, String)
      switch set {
      case .fashionMNIST:
        let train = try FashionMNIST.load("train", from: request.fashionMNISTDirectory)
        let test = try FashionMNIST.load("t10k", from: request.fashionMNISTDirectory)
        // Validation: 5,000 training images drawn by a seeded permutation; both parts keep the
        // original order.
        var rng = RandomGenerator(seed: request.seed)
        let held = Set(rng.permutation(train.count).prefix(5000))
        splits = [("train", train.subset((0..<train.count).filter { !held.contains($0) })),
                  ("validation", train.subset((0..<train.count).filter { held.contains($0) })), ("test", test)]
        (source, licence) = ("Fashion-MNIST (Xiao, Rasul and Vollgraf 2017) from \(FashionMNIST.packageVersion), \(request.fashionMNISTDirectory.path)", "MIT")
        rule = "train: the 60,000 training images less 5,000 validation images drawn by a permutation seeded with \(request.seed); test: the 10,000 test images"
      case .shapesModes:
        let n = request.generatedTrainingCount, held = n / 10 - (n / 10) % 4
        let all = ShapesModes.generate(count: n + 2 * held, seed: request.seed)
        splits = [("train", all.subset(Array(0..<n))), ("validation", all.subset(Array(n..<(n + held)))),
                  ("test", all.subset(Array((n + held)..<(n + 2 * held))))]
        (source, licence) = ("generated by cfx (shapes-modes v\(ShapesModes.version)), seed \(request.seed)", "generated data, no licence terms")
        rule = "scenes 0..<\(n) train, the next \(held) validation, the next \(held) test, all from one seeded stream; label = object red OR floor cyan, factors.csv gives the mode"
      }
      var manifestSplits: [String: ImageSetManifest.Split] = [:]
      for (name, part) in splits {
        let files = try part.write(split: name, to: directory)
        manifestSplits[name] = ImageSetManifest.Split(count: part.count, classCounts: part.classCounts, files: files)
        try RunInterrupted.check(kept: index, total: request.sets.count, units: "sets", journal: journal.url)
      }
      let first = splits[0].1
      let manifest = ImageSetManifest(
        set: set.rawValue, source: source, licence: licence, splitRule: rule, seed: request.seed, classNames: first.classNames,
        channels: first.channels, height: first.height, width: first.width, factorNames: first.factorNames, splits: manifestSplits)
      try writePreview(first, set: set, to: directory)
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
      try AtomicFile.write(try encoder.encode(manifest) + Data([0x0A]), to: directory.appendingPathComponent("manifest.json"))
      try journal.append("set", manifest)
      manifests.append(manifest)
      lines.append(summary(manifest, directory: directory))
    }
    return (manifests, lines.joined(separator: "\n"))
  }

  /// Whether every file of a journalled set is still there with its checksum.
  static func filesMatch(_ manifest: ImageSetManifest, in directory: URL) -> Bool {
    manifest.splits.values.allSatisfy { split in
      split.files.allSatisfy { SHA256.hex(ofFile: directory.appendingPathComponent($0.key).path) == $0.value }
    }
  }

  /// A preview of the training split: one row per class (and, for Shapes-modes, per mode) of
  /// its first 10 images, as preview.png and preview.svg.
  static func writePreview(_ data: ImageDataSet, set: ImageSetName, to directory: URL) throws {
    var rows: [(String, [Int])] = []
    if let mode = data.factorNames.firstIndex(of: "mode") {
      for (value, name) in [(0, "negative"), (1, "positive: red object"), (2, "positive: cyan floor")] {
        rows.append((name, Array(data.factors.indices.filter { data.factors[$0][mode] == value }.prefix(10))))
      }
    } else {
      for (label, name) in data.classNames.enumerated() { rows.append((name, Array(data.labels.indices.filter { data.labels[$0] == label }.prefix(10)))) }
    }
    let images = rows.flatMap { $0.1.map(data.image) }
    let scale = data.height <= 32 ? 3 : 1
    try PNG.write(ImageGrid.tile(images, columns: 10, scale: scale), to: directory.appendingPathComponent("preview.png").path)
    let captions = rows.flatMap { row in row.1.enumerated().map { $0.offset == 0 ? [row.0] : [""] } }
    try AtomicFile.write(Data(try ImageGrid.svg(images, captions: captions, columns: 10, scale: scale, title: "\(set.rawValue): training images, one row per \(data.factorNames.contains("mode") ? "mode" : "class")").utf8),
                         to: directory.appendingPathComponent("preview.svg"))
  }

  static func summary(_ manifest: ImageSetManifest, directory: URL) -> String {
    let splits = ["train", "validation", "test"].compactMap { name in manifest.splits[name].map { "\(name) \($0.count)" } }.joined(separator: ", ")
    return "\(manifest.set): \(manifest.channels == 1 ? "gray" : "RGB") \(manifest.height) × \(manifest.width), \(manifest.classNames.count) classes; \(splits); \(directory.path) (manifest.json, preview.png)"
  }
}
