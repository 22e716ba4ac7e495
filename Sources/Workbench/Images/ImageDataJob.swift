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
  /// The animal silhouettes of PyPI animal-shape-mnist.
  case animals = "animals"
  /// The silhouettes pasted on real textures, with exact object masks.
  case animalsOnTexture = "animals-on-texture"
  /// Generated birds whose classes are part combinations, with part masks and keypoints.
  case toyBirds = "toy-birds"
  /// Generated shapes whose classes are conjunctions of attribute tags.
  case attributeShapes = "attribute-shapes"

  /// Whether cfx generates the set (its size is the request's generated count).
  var isGenerated: Bool { ![.fashionMNIST, .animals].contains(self) }

  /// The generator (or source release) recorded in the set's identity.
  var generator: String {
    switch self {
    case .fashionMNIST: FashionMNIST.packageVersion
    case .shapesModes: "shapes-modes v\(ShapesModes.version)"
    case .animals: AnimalSilhouettes.release
    case .animalsOnTexture: "animals-on-texture v\(AnimalsOnTexture.version) on \(AnimalSilhouettes.release) and \(Textures.release)"
    case .toyBirds: "toy-birds v\(ToyBirds.version)"
    case .attributeShapes: "attribute-shapes v\(AttributeShapes.version)"
    }
  }
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
  /// Where scripts/fetch-image-sources.sh put the PyPI sources (default CACHE/sources).
  public var sourcesDirectory: URL? = nil

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
  /// Part names by index in the part masks (nil: the set has none).
  public var partNames: [String]?
  /// The binary tags the factors determine, "attribute=value" (nil: none).
  public var tagNames: [String]?
  /// The splits.
  public var splits: [String: Split]

  /// Split `split` of the set in `directory`, read with this manifest's class and part names.
  public func read(split: String, from directory: URL) throws(ImageError) -> ImageDataSet {
    try ImageDataSet.read(split: split, from: directory, classNames: classNames, partNames: partNames ?? [])
  }

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
        "generated training count": set.isGenerated ? "\(request.generatedTrainingCount)" : "-", "generator": set.generator,
      ]
      let journal = try RunJournal(directory: directory, identity: identity)
      if let done = journal.record("set", as: ImageSetManifest.self), filesMatch(done, in: directory) {
        progress("\(set.rawValue): already built (\(directory.path), SHA-256 checked)")
        manifests.append(done)
        lines.append(summary(done, directory: directory))
        continue
      }
      progress("\(set.rawValue): building…")
      let (splits, source, licence, rule) = try build(set, request)
      var manifestSplits: [String: ImageSetManifest.Split] = [:]
      for (name, part) in splits {
        let files = try part.write(split: name, to: directory)
        manifestSplits[name] = ImageSetManifest.Split(count: part.count, classCounts: part.classCounts, files: files)
        try RunInterrupted.check(kept: index, total: request.sets.count, units: "sets", journal: journal.url)
      }
      let first = splits[0].1
      let manifest = ImageSetManifest(
        set: set.rawValue, source: source, licence: licence, splitRule: rule, seed: request.seed, classNames: first.classNames,
        channels: first.channels, height: first.height, width: first.width, factorNames: first.factorNames,
        partNames: first.parts == nil ? nil : first.partNames, tagNames: set == .attributeShapes ? AttributeShapes.tagNames : nil, splits: manifestSplits)
      try writePreview(first, set: set, to: directory)
      try AtomicFile.writeJSON(manifest, to: directory.appendingPathComponent("manifest.json"))
      try journal.append("set", manifest)
      manifests.append(manifest)
      lines.append(summary(manifest, directory: directory))
    }
    return (manifests, lines.joined(separator: "\n"))
  }

  /// The splits of one set and what the manifest says of their origin.
  static func build(_ set: ImageSetName, _ request: ImageDataRequest) throws -> (splits: [(String, ImageDataSet)], source: String, licence: String, rule: String) {
    let sources = request.sourcesDirectory ?? request.cacheDirectory.appendingPathComponent("sources")
    let n = request.generatedTrainingCount, held = n / 10 - (n / 10) % 4
    // Generated sets: one seeded stream, cut into train, validation and test.
    func generatedSplits(_ generate: (Int, UInt64) -> ImageDataSet) -> [(String, ImageDataSet)] {
      let all = generate(n + 2 * held, request.seed)
      return [("train", all.subset(Array(0..<n))), ("validation", all.subset(Array(n..<(n + held)))),
              ("test", all.subset(Array((n + held)..<(n + 2 * held))))]
    }
    let streamRule = "images 0..<\(n) train, the next \(held) validation, the next \(held) test, all from one stream seeded with \(request.seed)"
    switch set {
    case .fashionMNIST:
      let train = try FashionMNIST.load("train", from: request.fashionMNISTDirectory)
      let test = try FashionMNIST.load("t10k", from: request.fashionMNISTDirectory)
      // Validation: 5,000 training images drawn by a seeded permutation; both parts keep the
      // original order.
      var rng = RandomGenerator(seed: request.seed)
      let held = Set(rng.permutation(train.count).prefix(5000))
      return ([("train", train.subset((0..<train.count).filter { !held.contains($0) })),
               ("validation", train.subset((0..<train.count).filter { held.contains($0) })), ("test", test)],
              "Fashion-MNIST (Xiao, Rasul and Vollgraf 2017) from \(FashionMNIST.packageVersion), \(request.fashionMNISTDirectory.path)", "MIT",
              "train: the 60,000 training images less 5,000 validation images drawn by a permutation seeded with \(request.seed); test: the 10,000 test images")
    case .shapesModes:
      return (generatedSplits { ShapesModes.generate(count: $0, seed: $1) }, "generated by cfx (\(set.generator)), seed \(request.seed)",
              "generated data, no licence terms", streamRule + "; label = object red OR floor cyan, factors.csv gives the mode")
    case .animals:
      let all = try AnimalSilhouettes.load(from: sources.appendingPathComponent("animal-shape-mnist"))
      let (splits, rule) = animalSplits(all, seed: request.seed)
      return (splits, "Animal-Shape MNIST (Mohammadi) from \(AnimalSilhouettes.release), read with cfx's restricted numpy-pickle reader", "MIT", rule)
    case .animalsOnTexture:
      let animals = try AnimalSilhouettes.load(from: sources.appendingPathComponent("animal-shape-mnist"))
      let textures = try Textures.load(from: sources.appendingPathComponent("scikit-image"))
      let (silhouetteSplits, _) = animalSplits(animals, seed: request.seed)
      // Each split pastes its own silhouettes (test scenes show shapes no training scene has)
      // from a stream of its own.
      var rng = RandomGenerator(seed: request.seed)
      let splits = silhouetteSplits.map { name, silhouettes in
        (name, AnimalsOnTexture.generate(count: name == "train" ? n : held, silhouettes: silhouettes, textures: textures, seed: rng.next()))
      }
      return (splits, "generated by cfx (\(set.generator)), seed \(request.seed)", "MIT (silhouettes), BSD-3-Clause (textures)",
              "\(n) train, \(held) validation, \(held) test scenes; each split pastes the silhouettes of the same split of the animals set (seed \(request.seed)); factors.csv names the texture, the silhouette's index in that split, hue, size and position")
    case .toyBirds:
      return (generatedSplits { ToyBirds.generate(count: $0, seed: $1) }, "generated by cfx (\(set.generator)), seed \(request.seed)",
              "generated data, no licence terms", streamRule + "; classes cycle through the 8 part combinations; parts.idx gives each pixel's part, factors.csv the parts and keypoints")
    case .attributeShapes:
      return (generatedSplits { AttributeShapes.generate(count: $0, seed: $1) }, "generated by cfx (\(set.generator)), seed \(request.seed)",
              "generated data, no licence terms", streamRule + "; classes cycle through the 6 conjunctions; factors.csv gives every attribute (the tags)")
    }
  }

  /// The animals' splits: 8,000 / 1,000 / 1,000 images by a seeded permutation of groups of
  /// identical images (the set repeats some images; a group never straddles two splits).
  static func animalSplits(_ all: ImageDataSet, seed: UInt64) -> (splits: [(String, ImageDataSet)], rule: String) {
    let size = all.height * all.width * all.channels
    var groupOf: [ArraySlice<UInt8>: Int] = [:], members: [[Int]] = []
    for index in 0..<all.count {
      let bytes = all.samples[index * size..<(index + 1) * size]
      if let g = groupOf[bytes] { members[g].append(index) } else {
        groupOf[bytes] = members.count
        members.append([index])
      }
    }
    let repeated = members.filter { $0.count > 1 }
    let mixed = repeated.filter { Set($0.map { all.labels[$0] }).count > 1 }.count
    var rng = RandomGenerator(seed: seed)
    var test: [Int] = [], validation: [Int] = [], train: [Int] = []
    for g in rng.permutation(members.count) {
      if test.count < all.count / 10 { test += members[g] } else if validation.count < all.count / 10 { validation += members[g] } else { train += members[g] }
    }
    let rule = "\(all.count) images in \(members.count) groups of identical images (\(repeated.count) groups repeat, \(repeated.map(\.count).reduce(0, +) - repeated.count) extra copies, \(mixed) of them under different labels); groups in an order seeded with \(seed) fill test, then validation (a tenth each), then train; each split keeps the original order"
    return ([("train", all.subset(train.sorted())), ("validation", all.subset(validation.sorted())), ("test", all.subset(test.sorted()))], rule)
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
