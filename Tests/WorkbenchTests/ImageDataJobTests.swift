import Foundation
import Images
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
}
