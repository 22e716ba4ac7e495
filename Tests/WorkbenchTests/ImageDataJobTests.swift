import Foundation
import Images
import NN
import Testing
import Workbench

/// `cfx data images`: a set is written with its manifest and preview, reused when rerun, and
/// rebuilt when one of its files no longer matches the manifest's checksum.
@Suite struct ImageDataJobTests {
  @Test func setsAreBuiltReusedAndRebuilt() throws {
    let cache = FileManager.default.temporaryDirectory.appendingPathComponent("cfx-images-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: cache) }
    let request = ImageDataRequest(sets: [.shapesModes], cacheDirectory: cache, seed: 2, generatedTrainingCount: 40)
    var notes: [String] = []
    let first = try ImageDataJob.run(request) { notes.append($0) }.manifests[0]
    #expect(first.splits["train"]?.count == 40 && first.splits["validation"]?.count == 4 && first.splits["test"]?.count == 4)
    #expect(first.factorNames == ShapesModes.factorNames && first.classNames == ShapesModes.classNames)
    let directory = request.directory(.shapesModes)
    for file in ["manifest.json", "preview.png", "preview.svg", "train-images.idx", "test-factors.csv"] {
      #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent(file).path), "\(file)")
    }
    let train = try ImageDataSet.read(split: "train", from: directory, classNames: first.classNames)
    #expect(train.samples == ShapesModes.generate(count: 48, seed: 2).subset(Array(0..<40)).samples)
    notes = []
    _ = try ImageDataJob.run(request) { notes.append($0) }
    #expect(notes.contains { $0.contains("already built") })
    // A damaged file: rebuilt, and the files are those of the first build.
    let labels = directory.appendingPathComponent("test-labels.idx")
    try Data([0, 0, 8, 1, 0, 0, 0, 0]).write(to: labels)
    notes = []
    let again = try ImageDataJob.run(request) { notes.append($0) }.manifests[0]
    #expect(notes.contains { $0.contains("building") } && again.splits["test"]?.files == first.splits["test"]?.files)
  }

  /// The generated sets with parts and tags, and the sets made from the PyPI sources (fetched
  /// by scripts/fetch-image-sources.sh, which scripts/setup.sh runs): identical animal images
  /// never straddle two splits, and each animals-on-texture split pastes its own split's shapes.
  @Test func everySetIsBuilt() throws {
    let cache = FileManager.default.temporaryDirectory.appendingPathComponent("cfx-images-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: cache) }
    var request = ImageDataRequest(sets: [.toyBirds, .attributeShapes, .animals, .animalsOnTexture], cacheDirectory: cache, seed: 1, generatedTrainingCount: 80)
    request.sourcesDirectory = FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/cfx/sources")
    let manifests = try ImageDataJob.run(request) { _ in }.manifests
    let (birds, shapes, animals, pasted) = (manifests[0], manifests[1], manifests[2], manifests[3])
    #expect(birds.partNames == ToyBirds.partNames && birds.splits["train"]?.files["train-parts.idx"] != nil)
    let birdTrain = try birds.read(split: "train", from: request.directory(.toyBirds))
    #expect(birdTrain.parts == ToyBirds.generate(count: 96, seed: 1).subset(Array(0..<80)).parts)
    #expect(shapes.tagNames == AttributeShapes.tagNames && shapes.classNames == AttributeShapes.classNames)
    // Test and validation take whole groups until they hold a tenth each (a pair may overshoot by one).
    #expect(animals.splits.values.map(\.count).reduce(0, +) == 10000)
    #expect((1000...1001).contains(animals.splits["test"]!.count) && (1000...1001).contains(animals.splits["validation"]!.count))
    var seen: [ArraySlice<UInt8>: String] = [:]
    for split in ["train", "validation", "test"] {
      let part = try ImageDataSet.read(split: split, from: request.directory(.animals), classNames: animals.classNames)
      for i in 0..<part.count {
        let bytes = part.samples[(i * 784)..<((i + 1) * 784)]
        if let other = seen[bytes] { #expect(other == split, "an image in \(other) and \(split)") }
        seen[bytes] = split
      }
    }
    #expect(seen.count == 9716)
    #expect(pasted.splits["train"]?.count == 80 && pasted.channels == 3 && pasted.classNames == AnimalSilhouettes.classNames)
    // Sources that are missing or changed are refused with what to run.
    request.sourcesDirectory = cache.appendingPathComponent("no-sources")
    request.sets = [.animals]
    request.cacheDirectory = cache.appendingPathComponent("other")
    #expect { try ImageDataJob.run(request) { _ in } } throws: { "\($0)".contains("fetch-image-sources.sh") }
  }

  /// `cfx train classifier` on a set with part masks: trained a few steps, evaluated on the
  /// test split, every test image predicted once.
  @Test func aClassifierTrainsOnASetWithParts() throws {
    let cache = FileManager.default.temporaryDirectory.appendingPathComponent("cfx-images-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: cache) }
    let data = ImageDataRequest(sets: [.toyBirds], cacheDirectory: cache, seed: 3, generatedTrainingCount: 80)
    _ = try ImageDataJob.run(data) { _ in }
    let options = TrainingOptions(steps: 4, batchSize: 8, schedule: .constant(1e-3), validateEvery: 2, checkpointEvery: 2, seed: 1)
    let request = ClassifierTrainingRequest(
      dataDirectory: data.directory(.toyBirds), outputDirectory: cache.appendingPathComponent("classifier"), options: options,
      baseChannels: 8, stages: 2, quiet: true)
    let evaluation = try ClassifierTrainingJob.run(request).evaluation
    #expect(evaluation.steps == 4 && evaluation.test.count == 8 && evaluation.test.confusion.flatMap { $0 }.reduce(0, +) == 8)
    let predictions = try String(contentsOf: request.outputDirectory.appendingPathComponent("test-predictions.csv"), encoding: .utf8)
    #expect(predictions.split(separator: "\n").count == 1 + 8)
  }
}
