// `cfx data molecules`: fetches the MOSES benchmark (ZINC Clean Leads, MIT licence) as the PyPI
// wheel molsets==0.3.1 with pip, checks its SHA-256, and converts train/test into cfx's molecule
// graph data set with cached properties, counts and histograms.
//
// Layout under the cache directory (default ~/.cache/cfx):
//   molsets/molsets-0.3.1-py3-none-any.whl        the wheel as pip downloaded it
//   data/molecules/{train,test}.jsonl             one molecule per line (see `Record`)
//   data/molecules/manifest.json                  source, checksum, vocabulary, counts, histograms
//   data/molecules/journal.jsonl                  finished splits (a rerun reuses them)
// Every output is written to a temporary file in the same directory and renamed into place. A
// split is the unit of resumption: a finished one is kept in the journal with its summary and
// the checksum of its file, so a rerun after Ctrl-C or a kill converts only the others.

import Basics
import Chemistry
import Foundation
import Molecules
import Tensor

/// The molecule data set builder.
public struct MoleculeDataSetJob: Sendable {
  /// SHA-256 of molsets-0.3.1-py3-none-any.whl as published on PyPI (checked 2026-11-22).
  public static let wheelSHA256 = "7f4450e3ebecebe79c3a2a55950c93daddee071120daf64a163d03481e811d34"
  /// The wheel's file name.
  public static let wheelName = "molsets-0.3.1-py3-none-any.whl"

  /// Cache root (default ~/.cache/cfx).
  public var cacheDirectory: URL
  /// Convert at most this many molecules per split (nil = all).
  public var limit: Int?

  /// A job writing under `cacheDirectory`.
  public init(cacheDirectory: URL? = nil, limit: Int? = nil) {
    self.cacheDirectory = cacheDirectory
      ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/cfx")
    self.limit = limit
  }

  /// Counts for one split.
  public struct SplitSummary: Codable, Sendable {
    /// Split name ("train", "test").
    public var split: String
    /// SMILES read.
    public var read: Int
    /// Molecules written (readable, valid and encodable).
    public var written: Int
    /// Skipped molecules by reason ("parse", "invalid: valence", "encoding").
    public var skipped: [String: Int]
    /// Histograms of the written molecules.
    public var histograms: [String: Histogram]
  }

  /// A fixed-bin histogram.
  public struct Histogram: Codable, Sendable {
    /// Lower edge of the first bin.
    public var start: Double
    /// Bin width.
    public var width: Double
    /// Counts per bin; values outside go to the first/last bin.
    public var counts: [Int]

    mutating func add(_ value: Double) {
      let bin = Int(((value - start) / width).rounded(.down))
      counts[min(max(bin, 0), counts.count - 1)] += 1
    }

    /// A text rendering, one line per non-empty bin.
    public func text(label: String) -> String {
      let peak = max(counts.max() ?? 1, 1)
      return counts.enumerated().compactMap { i, n in
        n == 0 ? nil : String(format: "  %@ [%6.1f, %6.1f) %8d %@", label, start + Double(i) * width,
                              start + Double(i + 1) * width, n, String(repeating: "#", count: max(1, 40 * n / peak)))
      }.joined(separator: "\n")
    }
  }

  /// The whole run's manifest.
  public struct Manifest: Codable, Sendable {
    /// Where the data came from.
    public var source: String
    /// Checked SHA-256 of the wheel.
    public var wheelSHA256: String
    /// Node classes ("C", "N+", …) in index order.
    public var atomClasses: [String]
    /// Bond classes in index order.
    public var bondClasses: [String]
    /// Properties cached per molecule and how they are defined.
    public var properties: [String: String]
    /// Per-split counts and histograms.
    public var splits: [SplitSummary]
  }

  /// The output directory of the data set.
  public var outputDirectory: URL { cacheDirectory.appendingPathComponent("data/molecules") }

  /// Downloads (if needed), verifies and converts; `progress` gets human-readable lines.
  public func run(progress: (String) -> Void) throws -> Manifest {
    let wheel = try fetchWheel(progress: progress)
    try FileManager.default.createDirectory(at: outputDirectory, withIntermediateDirectories: true)
    let journal = try RunJournal(directory: outputDirectory, identity: [
      "job": "cfx data molecules", "wheel": Self.wheelSHA256, "limit": limit.map(String.init) ?? "all",
      "atoms": MolecularGraphEncoding.standard.atomClasses.map(\.description).joined(separator: " "),
    ])
    var splits: [SplitSummary] = []
    for (index, split) in ["train", "test"].enumerated() {
      let file = outputDirectory.appendingPathComponent("\(split).jsonl")
      if let done = journal.record(split, as: FinishedSplit.self), SHA256.hex(ofFile: file.path) == done.sha256 {
        progress("\(split): already converted (\(file.path), SHA-256 checked)")
        splits.append(done.summary)
        continue
      }
      progress("converting \(split) split…")
      let csv = try extract(member: "moses/dataset/data/\(split).csv.gz", from: wheel)
      let summary = try convert(csv: csv, split: split, finishedSplits: index, journal: journal.url)
      guard let digest = SHA256.hex(ofFile: file.path) else { throw ChemistryError.io(path: file.path, message: "cannot read the converted split") }
      try journal.append(split, FinishedSplit(summary: summary, sha256: digest))
      progress("  \(split): \(summary.read) read, \(summary.written) written, skipped \(summary.skipped)")
      splits.append(summary)
    }
    let encoding = MolecularGraphEncoding.standard
    let manifest = Manifest(
      source: "MOSES benchmark (ZINC Clean Leads, MIT licence), PyPI molsets==0.3.1",
      wheelSHA256: Self.wheelSHA256, atomClasses: encoding.atomClasses.map(\.description),
      bondClasses: encoding.bondClassNames,
      properties: [
        "logp": "Wildman–Crippen logP (RDKit MolLogP parameters)", "mw": "molecular weight, g/mol",
        "tpsa": "TPSA, Å² (N, O; RDKit CalcTPSA)", "heavy_atoms": "heavy atoms", "rings": "rings (symmetrized SSSR)",
      ],
      splits: splits)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    try AtomicFile.write(try encoder.encode(manifest), to: outputDirectory.appendingPathComponent("manifest.json"))
    return manifest
  }

  /// A converted split as the journal keeps it: its summary and its file's SHA-256.
  struct FinishedSplit: Codable {
    var summary: SplitSummary
    var sha256: String
  }

  /// The wheel in the cache, downloaded with pip when missing; refused on a checksum mismatch.
  func fetchWheel(progress: (String) -> Void) throws -> URL {
    let directory = cacheDirectory.appendingPathComponent("molsets")
    let wheel = directory.appendingPathComponent(Self.wheelName)
    if !FileManager.default.fileExists(atPath: wheel.path) {
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
      progress("downloading molsets==0.3.1 with pip into \(directory.path)…")
      let result = try Self.runProcess(
        "/usr/bin/env", ["python3", "-m", "pip", "download", "molsets==0.3.1", "--no-deps", "--only-binary=:all:", "-d", directory.path])
      guard result.status == 0, FileManager.default.fileExists(atPath: wheel.path) else {
        throw ChemistryError.io(path: directory.path, message: "pip download molsets==0.3.1 failed (status \(result.status)): \(result.error.suffix(400))")
      }
    }
    guard let digest = SHA256.hex(ofFile: wheel.path) else {
      throw ChemistryError.io(path: wheel.path, message: "cannot read the downloaded wheel")
    }
    guard digest == Self.wheelSHA256 else {
      throw ChemistryError.io(path: wheel.path, message: "SHA-256 is \(digest), expected \(Self.wheelSHA256); delete the file and run again")
    }
    progress("checksum ok: \(digest)")
    return wheel
  }

  /// Extracts and gunzips one member of the wheel (a zip file) with Python's standard library.
  func extract(member: String, from wheel: URL) throws -> String {
    let script = "import gzip,sys,zipfile; sys.stdout.buffer.write(gzip.decompress(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2])))"
    let result = try Self.runProcess("/usr/bin/env", ["python3", "-c", script, wheel.path, member])
    guard result.status == 0 else {
      throw ChemistryError.io(path: wheel.path, message: "cannot extract \(member): \(result.error.suffix(400))")
    }
    return String(decoding: result.output, as: UTF8.self)
  }

  /// Converts one split's CSV (header `SMILES,SPLIT`) into JSON lines. Stops (and removes its
  /// temporary file) when a signal asks the run to stop, reporting `finishedSplits` as kept.
  func convert(csv: String, split: String, finishedSplits: Int, journal: URL) throws -> SplitSummary {
    let encoding = MolecularGraphEncoding.standard
    var summary = SplitSummary(
      split: split, read: 0, written: 0, skipped: [:],
      histograms: [
        "logp": Histogram(start: -4, width: 0.5, counts: [Int](repeating: 0, count: 24)),
        "mw": Histogram(start: 100, width: 25, counts: [Int](repeating: 0, count: 18)),
        "heavy_atoms": Histogram(start: 0, width: 2, counts: [Int](repeating: 0, count: 20)),
      ])
    // Stream into a temporary file beside the destination, renamed into place at the end.
    let destination = outputDirectory.appendingPathComponent("\(split).jsonl")
    let temporary = outputDirectory.appendingPathComponent(".\(split).jsonl.\(UUID().uuidString).tmp")
    guard FileManager.default.createFile(atPath: temporary.path, contents: nil),
      let handle = FileHandle(forWritingAtPath: temporary.path)
    else { throw ChemistryError.io(path: temporary.path, message: "cannot create the output file") }
    var finished = false
    defer { if !finished { try? handle.close(); try? FileManager.default.removeItem(at: temporary) } }
    var out = ""
    func flush() throws {
      try handle.write(contentsOf: Data(out.utf8))
      out = ""
    }
    for line in csv.split(separator: "\n").dropFirst() {
      if let limit, summary.read >= limit { break }
      guard let smiles = line.split(separator: ",").first.map(String.init), !smiles.isEmpty else { continue }
      summary.read += 1
      let molecule: Molecule
      do { molecule = try MoleculeReader.parseSMILES(smiles, record: "\(split) line \(summary.read + 1)").molecule } catch {
        summary.skipped["parse", default: 0] += 1
        continue
      }
      let report = molecule.validity
      if let problem = report.problems.first {
        summary.skipped["invalid: \(problem.rule.rawValue)", default: 0] += 1
        continue
      }
      guard let graph = try? encoding.encode(molecule) else {
        summary.skipped["encoding", default: 0] += 1
        continue
      }
      let logp = Crippen.logP(molecule), mw = Descriptors.molecularWeight(molecule), tpsa = TPSA.value(molecule)
      let edges = graph.edges.map { "[\($0.begin),\($0.end),\($0.bondClass)]" }.joined(separator: ",")
      out += "{\"smiles\":\"\(smiles)\",\"nodes\":[\(graph.nodeClasses.map(String.init).joined(separator: ","))],"
        + "\"edges\":[\(edges)],\"logp\":\(String(format: "%.4f", logp)),\"mw\":\(String(format: "%.3f", mw)),"
        + "\"tpsa\":\(String(format: "%.2f", tpsa)),\"heavy_atoms\":\(molecule.heavyAtomCount),\"rings\":\(molecule.rings.count)}\n"
      summary.written += 1
      summary.histograms["logp"]!.add(logp)
      summary.histograms["mw"]!.add(mw)
      summary.histograms["heavy_atoms"]!.add(Double(molecule.heavyAtomCount))
      if out.utf8.count > 1 << 20 {
        try flush()
        try RunInterrupted.check(kept: finishedSplits, total: 2, units: "splits", journal: journal)
      }
    }
    try flush()
    try handle.synchronize()
    try handle.close()
    finished = true
    if FileManager.default.fileExists(atPath: destination.path) { try FileManager.default.removeItem(at: destination) }
    try FileManager.default.moveItem(at: temporary, to: destination)
    return summary
  }


  /// Runs a program with an explicit argument array (never a shell string).
  static func runProcess(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: Data, error: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    // Standard error goes to a temporary file, so only one pipe is read and none can fill up.
    let errorURL = FileManager.default.temporaryDirectory.appendingPathComponent("cfx-\(UUID().uuidString).stderr")
    _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: errorURL) }
    let errorHandle = try FileHandle(forWritingTo: errorURL)
    let outPipe = Pipe()
    process.standardOutput = outPipe
    process.standardError = errorHandle
    try process.run()
    let output = outPipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    try? errorHandle.close()
    let errorData = (try? Data(contentsOf: errorURL)) ?? Data()
    return (process.terminationStatus, output, String(decoding: errorData, as: UTF8.self))
  }
}
