// `cfx data images`: the image sets of the image pipelines.

import ArgumentParser
import Foundation
import Workbench

extension ImageSetName: ExpressibleByArgument {}

struct DataImages: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "images",
    abstract: "Build the image sets: Fashion-MNIST (Debian package) and generated sets with known ground truth.",
    discussion: """
      Writes ~/.cache/cfx/data/images/<set>/: {train,validation,test}-images.idx and -labels.idx \
      (IDX, 8-bit), -masks.idx, -parts.idx and -factors.csv for generated sets (the object's exact \
      mask, each pixel's part, and the factors that made each image), manifest.json (source, \
      licence, split rule, seed, classes, counts, SHA-256 of every file) and preview.png/.svg.
      Sets:
        fashion-mnist       from `apt-get install dataset-fashion-mnist` (SHA-256 checked); \
      55,000/5,000/10,000
        shapes-modes        32 × 32 RGB scenes; positive = object red OR floor cyan (two known modes)
        animals             the 10,000 silhouettes of PyPI animal-shape-mnist (fetched by \
      scripts/fetch-image-sources.sh, read with a restricted numpy-pickle reader); identical \
      images kept in one split; 8,000/1,000/1,000
        animals-on-texture  those silhouettes, coloured, pasted on crops of scikit-image's grass, \
      gravel and brick textures (32 × 32 RGB, exact masks; each split uses its own silhouettes)
        toy-birds           32 × 32 RGB birds; 8 classes of beak × tail × wing, pairs differing in \
      one part; part masks and keypoints
        attribute-shapes    32 × 32 RGB shapes; 6 classes, each a conjunction of attribute tags \
      (shape, colour, size, texture, outline)
      A finished set is reused when rerun; Ctrl-C stops cleanly.
      Example: cfx data images --set shapes-modes --seed 1
      """)

  @Option(help: "A set to build (repeat for several; default all): \(ImageSetName.allCases.map(\.rawValue).joined(separator: ", ")).")
  var set: [ImageSetName] = []
  @Option(help: "Cache directory (default ~/.cache/cfx).")
  var cache: String?
  @Option(help: "Where scripts/fetch-image-sources.sh put the PyPI sources (default CACHE/sources).")
  var sources: String?
  @Option(help: "Seed of Fashion-MNIST's validation draw and of the generated sets.")
  var seed: UInt64 = 0
  @Option(help: "Training images of a generated set (a multiple of 4; validation and test get a tenth each).")
  var generatedCount = 8000

  func validate() throws {
    guard generatedCount >= 40 && generatedCount % 4 == 0 else { throw ValidationError("--generated-count must be a multiple of 4, at least 40; got \(generatedCount)") }
  }

  func run() throws {
    var request = ImageDataRequest(
      sets: set.isEmpty ? ImageSetName.allCases : set, cacheDirectory: cache.map { URL(fileURLWithPath: $0) }, seed: seed,
      generatedTrainingCount: generatedCount)
    request.sourcesDirectory = sources.map { URL(fileURLWithPath: $0) }
    print(try stoppable { try ImageDataJob.run(request) { print($0) }.text })
  }
}
