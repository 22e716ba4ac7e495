// `cfx data molecules`: the MOSES training set as a cfx molecule graph data set.

import ArgumentParser
import Foundation
import Molecules
import Workbench

struct DataMolecules: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "molecules",
    abstract: "Fetch MOSES (molsets==0.3.1) with pip, verify it and convert it to a graph data set.",
    discussion: """
      Downloads the wheel into ~/.cache/cfx/molsets (pip, PyPI), checks its SHA-256, converts \
      the train and test splits into ~/.cache/cfx/data/molecules/{train,test}.jsonl with cached \
      logp, MW, TPSA and ring counts, and prints counts and property histograms. A split is \
      the unit of resumption: after Ctrl-C or a kill, rerunning converts only the splits not \
      yet finished (their files are checked against the journal's SHA-256).
      """)

  @Option(help: "Cache directory (default ~/.cache/cfx).")
  var cache: String?

  @Option(help: "Convert at most this many molecules per split (for a quick look).")
  var limit: Int?

  func validate() throws {
    if let limit, limit <= 0 { throw ValidationError("--limit must be positive, got \(limit)") }
  }

  func run() throws {
    let job = MoleculeDataSetJob(cacheDirectory: cache.map { URL(fileURLWithPath: $0) }, limit: limit)
    let manifest = try stoppable { try job.run { print($0) } }
    for split in manifest.splits {
      print("\(split.split): \(split.written) molecules written of \(split.read) read; skipped: \(split.skipped.isEmpty ? "none" : split.skipped.map { "\($0.key) \($0.value)" }.sorted().joined(separator: ", "))")
      for name in ["logp", "mw", "heavy_atoms"] {
        if let histogram = split.histograms[name] { print(histogram.text(label: name)) }
      }
    }
    print("written to \(job.outputDirectory.path)")
  }
}
