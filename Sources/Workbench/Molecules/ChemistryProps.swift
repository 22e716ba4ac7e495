// `cfx props`: validity, logp (Crippen), logp-openbabel, MW, TPSA, SA score, stability alerts, QED, MOSES
// filters and an optional similarity for molecules from inline SMILES, files or stdin, as a terminal table, CSV or JSON.

import Basics
import Chemistry
import Foundation
import Molecules

/// One `cfx props` run.
public struct ChemistryPropsJob: Sendable {
  /// Where molecules come from.
  public enum Input: Sendable, Equatable {
    /// One SMILES given on the command line.
    case smiles(String)
    /// A molecule file (format from the extension or `format`).
    case file(String)
    /// Standard input (format required, SMILES by default).
    case standardInput
  }

  /// How results are printed.
  public enum OutputFormat: String, Sendable, CaseIterable {
    /// Aligned columns for the terminal.
    case table
    /// Comma-separated values with a header.
    case csv
    /// A JSON array of objects.
    case json
  }

  /// Inputs in order.
  public var inputs: [Input]
  /// Input format override (Open Babel id: smi, sdf, mol2, …).
  public var format: String?
  /// Reference SMILES for the similarity column.
  public var reference: String?
  /// The fingerprint for the similarity.
  public var fingerprint: FingerprintKind
  /// Output format.
  public var output: OutputFormat
  /// When set, every readable molecule is also written to this SDF file with its properties as
  /// tags (written atomically).
  public var sdfPath: String?

  /// A job over `inputs`.
  public init(inputs: [Input], format: String? = nil, reference: String? = nil,
              fingerprint: FingerprintKind = .morganBits, output: OutputFormat = .table, sdfPath: String? = nil) {
    self.inputs = inputs
    self.format = format
    self.reference = reference
    self.fingerprint = fingerprint
    self.output = output
    self.sdfPath = sdfPath
  }

  /// What a run produced: result rows and the records it skipped (with reasons).
  public struct Outcome: Sendable {
    /// Properties per readable record.
    public var rows: [MolecularProperties]
    /// "source: reason" for each record that could not be read.
    public var skipped: [String]
  }

  /// Reads every input and computes properties; unreadable records are skipped and listed.
  /// - Throws: `ChemistryError` for unusable inputs (missing file, directory, bad reference) and
  ///   when Open Babel's data files are missing (logp-openbabel would silently be 0).
  public func run() throws(ChemistryError) -> Outcome {
    if let problem = OpenBabel.installationProblem { throw .missingData(problem) }
    var extras: OpenBabel.Extras = [.logP]
    if fingerprint == .openBabelECFP4 { extras.insert(.ecfp4) }
    var referenceFingerprint: Fingerprint?
    if let reference {
      let parsed = try MoleculeReader.parseSMILES(reference, record: "--reference", extras: extras)
      referenceFingerprint = try MolecularProperties.fingerprint(parsed, kind: fingerprint)
    }
    var rows: [MolecularProperties] = []
    var sdf = ""
    var skipped: [String] = []
    var firstError: ChemistryError?
    func handle(_ record: MoleculeRecord, _ parsed: OpenBabel.Parsed?) -> Bool {
      guard let parsed else {
        if case .failure(let error) = record.result { skipped.append("\(error)") }
        return true
      }
      do throws(ChemistryError) {
        let row = try MolecularProperties.compute(parsed, reference: referenceFingerprint)
        rows.append(row)
        if sdfPath != nil { sdf += try Self.sdfRecord(parsed.molecule, row) }
      } catch {
        skipped.append("\(record.source): \(error)")
        firstError = firstError ?? error
      }
      return true
    }
    let override = format.map(MoleculeFormat.init(id:))
    for input in inputs {
      switch input {
      case .smiles(let smiles):
        let parsed = try MoleculeReader.parseSMILES(smiles, name: smiles, extras: extras)
        _ = handle(MoleculeRecord(source: "inline SMILES", index: 1, result: .success(parsed.molecule)), parsed)
      case .file(let path):
        try MoleculeReader.forEachRecord(path: path, format: override, extras: extras, handle)
      case .standardInput:
        try MoleculeReader.forEachRecordOfStandardInput(format: override ?? .smiles, extras: extras, handle)
      }
    }
    if rows.isEmpty, let firstError { throw firstError }
    if rows.isEmpty && !skipped.isEmpty {
      throw .invalidInput(record: "input", message: "no readable molecules; \(skipped.count) record(s) skipped:\n  " + skipped.joined(separator: "\n  "))
    }
    if let sdfPath { try Self.writeAtomically(sdf, to: sdfPath) }
    return Outcome(rows: rows, skipped: skipped)
  }

  /// One SDF record with the properties as tags (input tags are kept, ours are added).
  static func sdfRecord(_ molecule: Molecule, _ row: MolecularProperties) throws(ChemistryError) -> String {
    var m = molecule
    var tags: [(String, String)] = [
      ("canonical_smiles", row.canonicalSMILES), ("valid", row.valid ? "true" : "false"), ("validity", row.validity),
      ("logp", fixed(row.logp, 4)), ("logp_openbabel", fixed(row.logpOpenBabel, 4)), ("mw", fixed(row.molecularWeight, 3)),
      ("tpsa", fixed(row.tpsa, 2)), ("heavy_atoms", "\(row.heavyAtoms)"), ("rings", "\(row.rings)"),
      ("sa", fixed(row.sa, 3)), ("alerts", row.alerts.joined(separator: ";")),
      ("qed", fixed(row.qed, 4)), ("moses_filters", mosesCell(row)),
    ]
    if let similarity = row.similarity, let fp = row.fingerprint { tags += [("similarity", fixed(similarity, 4)), ("fp_spec", fp)] }
    for (key, value) in tags {
      m.properties.removeAll { $0.key == key }
      m.properties.append(MoleculeProperty(key: key, value: value))
    }
    return try OpenBabel.write(m, format: "sdf")
  }

  /// Writes `text` to a temporary file in the destination's directory, then renames it.
  static func writeAtomically(_ text: String, to path: String) throws(ChemistryError) {
    do { try AtomicFile.write(Data(text.utf8), to: URL(fileURLWithPath: path)) } catch {
      throw .io(path: path, message: "cannot write: \(error.localizedDescription)")
    }
  }

  /// Formats rows as the chosen output.
  public func render(_ rows: [MolecularProperties]) -> String {
    switch output {
    case .json:
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
      return String(decoding: (try? encoder.encode(rows)) ?? Data("[]".utf8), as: UTF8.self)
    case .csv:
      var header = ["name", "canonical_smiles", "valid", "validity", "logp", "logp_openbabel", "mw", "tpsa", "heavy_atoms", "rings", "aromatic_rings", "sa", "alerts", "qed", "moses_filters"]
      if reference != nil { header += ["similarity", "fp_spec"] }
      var lines = [header.joined(separator: ",")]
      for r in rows {
        var cells = [CSV.escape(r.name), r.canonicalSMILES, r.valid ? "true" : "false", CSV.escape(r.validity),
                     Self.fixed(r.logp, 4), Self.fixed(r.logpOpenBabel, 4), Self.fixed(r.molecularWeight, 3),
                     Self.fixed(r.tpsa, 2), "\(r.heavyAtoms)", "\(r.rings)", "\(r.aromaticRings)", Self.fixed(r.sa, 3),
                     CSV.escape(r.alerts.joined(separator: ";")), Self.fixed(r.qed, 4), CSV.escape(Self.mosesCell(r))]
        if reference != nil { cells += [r.similarity.map { Self.fixed($0, 4) } ?? "", r.fingerprint ?? ""] }
        lines.append(cells.joined(separator: ","))
      }
      return lines.joined(separator: "\n")
    case .table:
      var header = ["name", "valid", "logp", "logp-openbabel", "MW", "TPSA", "SA", "alerts", "QED", "MOSES", "atoms", "rings", "canonical SMILES"]
      if reference != nil { header.insert("similarity (\(fingerprint.rawValue))", at: 10) }
      var table = [header]
      var notes: [String] = [], alertNotes: [String] = [], filterNotes: [String] = []
      for r in rows {
        var cells = [r.name.isEmpty ? "-" : r.name, r.valid ? "yes" : "NO", Self.fixed(r.logp, 3), Self.fixed(r.logpOpenBabel, 3),
                     Self.fixed(r.molecularWeight, 2), Self.fixed(r.tpsa, 2), Self.fixed(r.sa, 2), "\(r.alerts.count)",
                     Self.fixed(r.qed, 3), r.mosesFilterFailures.isEmpty ? "pass" : "fail", "\(r.heavyAtoms)", "\(r.rings)", r.canonicalSMILES]
        if reference != nil { cells.insert(r.similarity.map { Self.fixed($0, 3) } ?? "-", at: 10) }
        table.append(cells)
        let label = r.name.isEmpty ? r.canonicalSMILES : r.name
        if !r.valid { notes.append("\(label): \(r.validity)") }
        if !r.alerts.isEmpty { alertNotes.append("\(label): \(r.alerts.joined(separator: ", "))") }
        if !r.mosesFilterFailures.isEmpty { filterNotes.append("\(label): \(Self.mosesCell(r))") }
      }
      let widths = (0..<header.count).map { c in table.map { $0[c].count }.max() ?? 0 }
      var text = table.map { row in
        row.enumerated().map { c, cell in c == row.count - 1 ? cell : cell.padding(toLength: widths[c], withPad: " ", startingAt: 0) }
          .joined(separator: "  ")
      }.joined(separator: "\n")
      text += "\nlogp = Wildman–Crippen (RDKit MolLogP parameters); logp-openbabel = Open Babel's group contributions"
      text += "\nSA = Ertl–Schuffenhauer synthetic accessibility, 1 easy … 10 hard; alerts = unstable or implausible groups"
      text += "\nQED = Bickerton's drug-likeness (RDKit QED, mean weights); MOSES = the MOSES medicinal-chemistry filters"
      if !filterNotes.isEmpty { text += "\nfailing MOSES filters:\n" + filterNotes.map { "  " + $0 }.joined(separator: "\n") }
      if !notes.isEmpty { text += "\ninvalid:\n" + notes.map { "  " + $0 }.joined(separator: "\n") }
      if !alertNotes.isEmpty { text += "\nalerts:\n" + alertNotes.map { "  " + $0 }.joined(separator: "\n") }
      return text
    }
  }

  static func fixed(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }

  /// "pass", or the failed MOSES filters joined by ';'.
  static func mosesCell(_ row: MolecularProperties) -> String {
    row.mosesFilterFailures.isEmpty ? "pass" : row.mosesFilterFailures.joined(separator: ";")
  }
}
