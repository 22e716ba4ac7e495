import Foundation
import Testing

/// Every image command meets hostile input with a clear error that names the file and what to
/// do, an exit status below 128 (no crash), and nothing half-written.
@Suite(.serialized) struct ImageCommandTests {
  let root = FileManager.default.temporaryDirectory.appendingPathComponent("cfx-cli-images-\(UUID().uuidString)")

  /// Runs cfx and checks it failed cleanly with `expected` in its error output.
  func expectCleanFailure(_ arguments: [String], mentioning expected: [String], _ comment: String) throws {
    let (status, _, err) = try runCFX(arguments)
    #expect(status > 0 && status < 128, "\(comment): exit status \(status)\n\(err)")
    for text in expected { #expect(err.contains(text), "\(comment): '\(text)' not in\n\(err)") }
  }

  @Test func hostileInputsAreRefusedCleanly() throws {
    defer { try? FileManager.default.removeItem(at: root) }
    let cache = root.appendingPathComponent("cache").path
    // Missing or altered PyPI sources.
    try expectCleanFailure(["data", "images", "--set", "animals", "--cache", cache, "--sources", root.appendingPathComponent("none").path],
                           mentioning: ["animal_data_version_3.gz", "fetch-image-sources.sh"], "missing sources")
    let sources = root.appendingPathComponent("sources/scikit-image")
    try FileManager.default.createDirectory(at: sources, withIntermediateDirectories: true)
    try FileManager.default.createDirectory(at: root.appendingPathComponent("sources/animal-shape-mnist"), withIntermediateDirectories: true)
    try Data("not a png".utf8).write(to: sources.appendingPathComponent("grass.png"))
    try expectCleanFailure(["data", "images", "--set", "animals-on-texture", "--cache", cache, "--sources", root.appendingPathComponent("sources").path],
                           mentioning: ["animal_data_version_3.gz"], "missing animals beside a bad texture")

    // A small generated set, then damaged copies of it.
    let (status, _, err) = try runCFX(["data", "images", "--set", "toy-birds", "--generated-count", "40", "--cache", cache])
    #expect(status == 0, "\(err)")
    let good = root.appendingPathComponent("cache/data/images/toy-birds")
    func damagedCopy(_ name: String, _ change: (inout Data) -> Void) throws -> URL {
      let copy = root.appendingPathComponent("damaged-\(name)-\(UUID().uuidString)")
      try FileManager.default.copyItem(at: good, to: copy)
      var data = try Data(contentsOf: copy.appendingPathComponent(name))
      change(&data)
      try data.write(to: copy.appendingPathComponent(name))
      return copy
    }
    let out = root.appendingPathComponent("out")
    let truncated = try damagedCopy("train-images.idx") { $0 = $0.prefix($0.count / 2) }
    try expectCleanFailure(["train", "classifier", "--set", truncated.path, "--out", out.path, "--steps", "2", "--quiet"],
                           mentioning: ["train-images.idx"], "truncated images")
    #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("config.json").path), "a checkpoint was written from bad data")
    let absurd = try damagedCopy("train-images.idx") { $0.replaceSubrange(4..<8, with: [0x7F, 0xFF, 0xFF, 0xFF]) }
    try expectCleanFailure(["train", "diffusion", "--set", absurd.path, "--out", out.path, "--steps", "2", "--quiet"],
                           mentioning: ["train-images.idx"], "absurd image count")
    let badParts = try damagedCopy("train-parts.idx") { $0[$0.count - 1] = 200 }
    try expectCleanFailure(["train", "classifier", "--set", badParts.path, "--out", out.path, "--steps", "2", "--quiet"],
                           mentioning: ["train-parts.idx", "part 200"], "a part index outside the set's parts")
    let notJSON = try damagedCopy("manifest.json") { $0 = Data("{".utf8) }
    try expectCleanFailure(["train", "classifier", "--set", notJSON.path, "--out", out.path, "--steps", "2", "--quiet"],
                           mentioning: ["manifest.json", "cfx data images"], "a broken manifest")
    try expectCleanFailure(["train", "classifier", "--set", "no-such-set", "--out", out.path, "--steps", "2", "--quiet"],
                           mentioning: ["no-such-set", "cfx data images"], "an unknown set")

    // Checkpoints of the wrong kind, or for other images.
    let shipped = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("images/models/fashion-mnist-classifier")
    try expectCleanFailure(["eval", "diffusion", "--set", good.path, "--model", shipped.path, "--classifier", shipped.path, "--out", out.path, "--quiet"],
                           mentioning: ["config.json"], "a classifier given as the diffusion model")
    try expectCleanFailure(["eval", "diffusion", "--set", good.path, "--model", root.path, "--classifier", shipped.path, "--out", out.path, "--quiet"],
                           mentioning: ["config.json"], "a directory that is no checkpoint")

    // cfx explain images: files that are no images or of another size, unknown classes, indices
    // outside the split; then a run that works writes everything it names.
    let birds = shipped.deletingLastPathComponent().appendingPathComponent("toy-birds-classifier").path
    let explain = ["explain", "images", "--set", good.path, "--classifier", birds, "--quiet"]
    let notPNG = root.appendingPathComponent("bird.png")
    try Data("not a png".utf8).write(to: notPNG)
    try expectCleanFailure(explain + [notPNG.path, "--label", "0", "--out", out.path], mentioning: ["bird.png"], "a file that is no PNG")
    try expectCleanFailure(explain + [good.appendingPathComponent("preview.png").path, "--label", "0", "--out", out.path],
                           mentioning: ["preview.png", "32 × 32"], "a PNG of another size")
    try expectCleanFailure(explain + ["--index", "0", "--target", "penguin", "--out", out.path], mentioning: ["penguin", "short beak, fan tail, plain wing"], "an unknown class")
    try expectCleanFailure(explain + ["--index", "100000", "--out", out.path], mentioning: ["100000", "test split"], "an index outside the split")
    try expectCleanFailure(explain + ["--out", out.path], mentioning: ["--index", "--misclassified"], "no inputs")
    try expectCleanFailure(explain + ["--index", "0", "--method", "magic", "--out", out.path], mentioning: ["--method", "partition"], "an unknown method")
    let explained = root.appendingPathComponent("explained")
    let (ok, text, okErr) = try runCFX(explain + ["--index", "0", "1", "--target", "1", "--method", "partition", "gradcam", "--out", explained.path])
    #expect(ok == 0, "\(okErr)")
    #expect(text.contains("test:0") && text.contains("test:1"))
    for file in ["explanations.json", "edits.csv", "maps.csv", "input-0.png", "input-0.svg", "input-1.png", "input-1.svg"] {
      #expect(FileManager.default.fileExists(atPath: explained.appendingPathComponent(file).path), "\(file)")
    }
  }
}
