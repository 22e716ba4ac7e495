// The job behind `cfx data planar`: enumerate every non-isomorphic connected planar graph on
// n nodes (5,974 for n = 8), split them deterministically by seed, and write the splits as
// graph6 files plus a JSON manifest with counts, seed and SHA-256 checksums.
//
// Files in the output directory (each written atomically: temp file, then rename):
//   train.g6, validation.g6, test.g6   one graph6 string per line, each split sorted by
//                                      (edge count, graph6)
//   manifest.json                      what was generated, how, and checksums of the files

import Basics
import Foundation
import Graphs
import Tensor

/// An error of the planar data job: the path, what went wrong and how to fix it.
public struct PlanarDataError: Error, CustomStringConvertible, Sendable {
  /// What failed, naming the path.
  public var message: String
  /// The message.
  public var description: String { message }
}

/// The manifest written next to the split files.
public struct PlanarDataManifest: Codable, Sendable, Equatable {
  /// One split file.
  public struct SplitFile: Codable, Sendable, Equatable {
    /// File name inside the output directory.
    public var file: String
    /// Number of graphs (lines).
    public var count: Int
    /// SHA-256 of the file's bytes, lower-case hex (compare with `sha256sum`).
    public var sha256: String
  }

  /// Data set name.
  public var dataset: String
  /// The command that regenerates the files.
  public var command: String
  /// Nodes per graph.
  public var nodeCount: Int
  /// Whether only connected graphs are included.
  public var connectedOnly: Bool
  /// Total number of graphs over all splits.
  public var totalCount: Int
  /// Seed of the split.
  public var seed: UInt64
  /// Fractions used for the split (test gets the remainder).
  public var fractions: [String: Double]
  /// How the split was made.
  public var splitMethod: String
  /// nauty's NAUTYVERSIONID (canonical forms, hence graph6 strings, may differ across versions).
  public var nautyVersionID: Int
  /// The split files.
  public var splits: [String: SplitFile]
}

/// The result of `PlanarDataJob.run`.
public struct PlanarDataOutcome: Sendable {
  /// The manifest that was written.
  public var manifest: PlanarDataManifest
  /// Seconds spent enumerating.
  public var enumerationSeconds: Double
  /// A summary for the terminal.
  public var text: String
}

/// Generates the planar-graph data set.
public enum PlanarDataJob {
  /// Enumerates the connected planar graphs on `nodeCount` nodes, splits them by `seed` with
  /// `SplitFractions.standard` (80/10/10) and writes them to `outputDirectory` (created if
  /// needed).
  public static func run(outputDirectory: URL, seed: UInt64, nodeCount: Int = 8) throws(PlanarDataError) -> PlanarDataOutcome {
    guard nodeCount >= 1 && nodeCount <= 9 else {
      throw PlanarDataError(message: "node count \(nodeCount) is not supported; use 1...9 (the paper's data set uses 8)")
    }
    do {
      try FileManager.default.createDirectory(at: outputDirectory, withIntermediateDirectories: true)
    } catch {
      throw PlanarDataError(message: "\(outputDirectory.path): cannot create the output directory (\(error.localizedDescription)); choose a writable --out")
    }
    let start = DispatchTime.now().uptimeNanoseconds
    let graphs = GraphEnumeration.planarGraphs(nodeCount: nodeCount, connectedOnly: true)
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    let fractions = SplitFractions.standard
    let split = DatasetSplit(graphs, fractions: fractions, seed: seed)
    var files: [String: PlanarDataManifest.SplitFile] = [:]
    for (name, part) in [("train", split.train), ("validation", split.validation), ("test", split.test)] {
      let fileName = "\(name).g6"
      let bytes = Array(Graph6.encodeLines(part).utf8)
      try writeAtomically(bytes, to: outputDirectory.appendingPathComponent(fileName))
      files[name] = .init(file: fileName, count: part.count, sha256: SHA256.hex(bytes))
    }
    let manifest = PlanarDataManifest(
      dataset: "planar-connected-\(nodeCount)",
      command: "cfx data planar --out \(outputDirectory.path) --seed \(seed)" + (nodeCount == 8 ? "" : " --nodes \(nodeCount)"),
      nodeCount: nodeCount, connectedOnly: true, totalCount: graphs.count, seed: seed,
      fractions: ["train": fractions.train, "validation": fractions.validation, "test": fractions.test],
      splitMethod: "xoshiro256** Fisher-Yates shuffle of the graphs sorted by (edge count, graph6); first floor(0.8 N) train, next floor(0.1 N) validation, rest test; each split sorted",
      nautyVersionID: Nauty.versionID, splits: files)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    let json: Data
    do { json = try encoder.encode(manifest) } catch {
      throw PlanarDataError(message: "cannot encode the manifest: \(error)")
    }
    try writeAtomically(Array(json) + [10], to: outputDirectory.appendingPathComponent("manifest.json"))
    let text = """
      Connected planar graphs on \(nodeCount) nodes: \(graphs.count) (enumerated in \(String(format: "%.3f", seconds)) s)
      Split (seed \(seed), 80/10/10): train \(split.train.count), validation \(split.validation.count), test \(split.test.count)
      Wrote \(outputDirectory.path)/{train,validation,test}.g6 and manifest.json
      """
    return PlanarDataOutcome(manifest: manifest, enumerationSeconds: seconds, text: text)
  }

  /// Writes `bytes` atomically (the shared temporary-file-then-rename helper), with a clear error.
  static func writeAtomically(_ bytes: [UInt8], to url: URL) throws(PlanarDataError) {
    do { try AtomicFile.write(Data(bytes), to: url) } catch {
      throw PlanarDataError(message: "\(url.path): cannot write (\(error.localizedDescription)); check free space and permissions")
    }
  }
}
