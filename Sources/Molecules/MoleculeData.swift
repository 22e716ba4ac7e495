// Molecules as diffusion training data: the `cfx data molecules` JSON lines (MOSES train/test)
// and SMILES files (the shipped molecules/zinc-subset.smi) become `GraphExample`s whose node
// labels are atom classes and edge labels Kekulé bond classes (MolecularGraphEncoding.standard),
// with a target from a property: the paper's binary indicator "logP in [1.7, 3.8]" (class 1
// inside, class 0 outside) or the property value itself.
//
// The chemistry the Diffusion module needs (bond orders, maximum valences, atom weights) is
// derived here from the Chemistry module and passed to it as `MolecularVocabulary` data.

import Chemistry
import Diffusion
import Foundation
import Graphs
import Tensor

/// A molecular property a target can be set on.
public enum TargetProperty: String, CaseIterable, Codable, Sendable {
  /// Wildman–Crippen logP (RDKit MolLogP).
  case logp
  /// Molecular weight (g/mol).
  case mw
  /// Topological polar surface area (Å²).
  case tpsa
  /// Ertl–Schuffenhauer synthetic accessibility (1 easy … 10 hard; RDKit's sascorer).
  case sa
  /// QED drug-likeness (Bickerton et al.; RDKit's QED.qed, mean weights), in (0, 1].
  case qed
  /// The output of a user's model (ExternalOracle.swift); its values come from a
  /// `PropertyScorer`, never from `value(of:)`.
  case oracle

  /// The built-in properties (every case but `oracle`).
  public static let builtins: [TargetProperty] = allCases.filter { $0 != .oracle }

  /// The property of a molecule (built-in properties only).
  public func value(of molecule: Molecule) -> Double {
    switch self {
    case .logp: return Crippen.logP(molecule)
    case .mw: return Descriptors.molecularWeight(molecule)
    case .tpsa: return TPSA.value(molecule)
    case .sa: return SyntheticAccessibility.score(molecule)
    case .qed: return QED.value(molecule)
    case .oracle: preconditionFailure("TargetProperty.oracle: an oracle's values come from a PropertyScorer")
    }
  }
}

/// A target range of a property: closed interval, or one-sided.
public struct PropertyTarget: Codable, Sendable, Equatable, CustomStringConvertible {
  /// The property.
  public var property: TargetProperty
  /// Lower bound (nil: none).
  public var lower: Double?
  /// Upper bound (nil: none).
  public var upper: Double?

  /// A target; at least one bound, lower ≤ upper.
  public init(property: TargetProperty, lower: Double?, upper: Double?) {
    precondition(lower != nil || upper != nil, "PropertyTarget: needs at least one bound")
    precondition(lower == nil || upper == nil || lower! <= upper!, "PropertyTarget: lower \(lower!) > upper \(upper!)")
    (self.property, self.lower, self.upper) = (property, lower, upper)
  }

  /// The paper's drug-like logP window [1.7, 3.8].
  public static let drugLikeLogP = PropertyTarget(property: .logp, lower: 1.7, upper: 3.8)

  /// Whether this is a logP target other than the drug-like window: the continuous-logP model
  /// answers it, and steering is recommended for it (it may lie several units from the input).
  public var isOtherLogPTarget: Bool { property == .logp && self != .drugLikeLogP }

  /// Parses "1.7:3.8", ">=2.5", "<=3" (also "2.5:" and ":3").
  public static func parse(_ text: String, property: TargetProperty) throws(MoleculeDataError) -> PropertyTarget {
    let t = text.trimmingCharacters(in: .whitespaces)
    func number(_ s: Substring) throws(MoleculeDataError) -> Double? {
      let trimmed = s.trimmingCharacters(in: .whitespaces)
      if trimmed.isEmpty { return nil }
      guard let v = Double(trimmed), v.isFinite else {
        throw MoleculeDataError(message: "target '\(text)': '\(trimmed)' is not a number; use LOW:HIGH, >=LOW or <=HIGH")
      }
      return v
    }
    var lower: Double?, upper: Double?
    if t.hasPrefix(">=") {
      lower = try number(t.dropFirst(2))
    } else if t.hasPrefix("<=") {
      upper = try number(t.dropFirst(2))
    } else if let colon = t.firstIndex(of: ":") {
      lower = try number(t[..<colon])
      upper = try number(t[t.index(after: colon)...])
    } else {
      throw MoleculeDataError(message: "target '\(text)' has no range; use LOW:HIGH (e.g. 1.7:3.8), >=LOW or <=HIGH")
    }
    guard lower != nil || upper != nil else { throw MoleculeDataError(message: "target '\(text)' has no bound") }
    if let lower, let upper, lower > upper {
      throw MoleculeDataError(message: "target '\(text)': lower bound \(lower) is above upper bound \(upper)")
    }
    return PropertyTarget(property: property, lower: lower, upper: upper)
  }

  /// Parses a guard "sa<=3.5", "qed>=0.6" or "logp=1:3" (a built-in property, then a range).
  public static func parseGuard(_ text: String) throws(MoleculeDataError) -> PropertyTarget {
    let t = text.trimmingCharacters(in: .whitespaces)
    let names = TargetProperty.builtins.map(\.rawValue).joined(separator: ", ")
    guard let split = t.firstIndex(where: { "<>=".contains($0) }) else {
      throw MoleculeDataError(message: "guard '\(text)': write PROPERTY<=HIGH, PROPERTY>=LOW or PROPERTY=LOW:HIGH (properties: \(names))")
    }
    let name = t[..<split].trimmingCharacters(in: .whitespaces).lowercased()
    guard let property = TargetProperty(rawValue: name), property != .oracle else {
      throw MoleculeDataError(message: "guard '\(text)': '\(name)' is not a built-in property (\(names))")
    }
    var range = String(t[split...])
    if range.hasPrefix("=") { range.removeFirst() }
    do { return try parse(range, property: property) } catch {
      throw MoleculeDataError(message: "guard '\(text)': \(error.message)")
    }
  }

  /// Whether `value` lies in the target.
  public func contains(_ value: Double) -> Bool {
    (lower.map { value >= $0 } ?? true) && (upper.map { value <= $0 } ?? true)
  }

  /// How far `value` lies outside the range (0 inside; NaN counts as infinitely far).
  public func distance(to value: Double) -> Double {
    guard !value.isNaN else { return .infinity }
    return Swift.max(0, (lower ?? value) - value, value - (upper ?? value))
  }

  /// "logp in [1.7, 3.8]", "logp >= 2.5".
  public var description: String {
    switch (lower, upper) {
    case let (l?, u?): return "\(property.rawValue) in [\(l), \(u)]"
    case let (l?, nil): return "\(property.rawValue) >= \(l)"
    case let (nil, u?): return "\(property.rawValue) <= \(u)"
    default: return property.rawValue
    }
  }
}

/// An error of the molecule pipeline: what failed, where, and how to fix it.
public struct MoleculeDataError: Error, CustomStringConvertible, Sendable {
  /// The message.
  public var message: String
  /// The message.
  public var description: String { message }
  /// An error saying `message`.
  public init(message: String) { self.message = message }
}

/// One molecule of a data set, encoded.
public struct MoleculeEntry: Sendable {
  /// Name or id ("moses-train-17", the .smi name column).
  public var name: String
  /// SMILES as read.
  public var smiles: String
  /// The encoded graph.
  public var graph: MolecularGraph
  /// Crippen logP.
  public var logp: Double
  /// The SMILES as given (files: Open Babel's isomeric SMILES of the record as read) when the
  /// input was standardised; nil otherwise.
  public var inputSMILES: String? = nil
  /// What standardisation changed or dropped, one line each (empty: nothing).
  public var standardization: [String] = []
}

/// How the model is conditioned on the property.
public enum MoleculeConditionKind: String, CaseIterable, Codable, Sendable {
  /// The paper's binary indicator: class 1 when the property lies in the window.
  case window
  /// The property value itself, standardised.
  case continuous
}

/// Reading molecule data sets and turning them into training examples.
public enum MoleculeData {
  /// The graph encoding (atom and bond classes).
  public static let encoding = MolecularGraphEncoding.standard

  /// The chemistry of `encoding` as data for the Diffusion module: bond orders 0…3, each atom
  /// class's largest allowed valence (RDKit's rule with charges) and atomic weight.
  public static let vocabulary: MolecularVocabulary = {
    let classes = encoding.atomClasses
    return MolecularVocabulary(
      nodeClassNames: classes.map(\.description), bondOrders: [0, 1, 2, 3],
      maximumValences: classes.map { Element.allowedValences(atomicNumber: $0.atomicNumber, charge: $0.formalCharge).max() ?? 0 },
      atomWeights: classes.map { Float(Element.named(atomicNumber: $0.atomicNumber)?.atomicWeight ?? 0) })
  }()

  /// The `Graph` of a molecular graph (node labels = atom classes, edge labels = bond classes).
  public static func graph(_ molecule: MolecularGraph) -> Graph {
    Graph(nodeLabels: molecule.nodeClasses, labeledEdges: molecule.edges.map { ($0.begin, $0.end, $0.bondClass) })
  }

  /// The molecular graph of a `Graph` built by `graph(_:)` or decoded from a diffusion state.
  public static func molecularGraph(_ graph: Graph) -> MolecularGraph {
    MolecularGraph(nodeClasses: graph.nodeLabels, edges: graph.edges.map { .init(begin: $0.u, end: $0.v, bondClass: $0.label) })
  }

  /// One line of `cfx data molecules` output.
  struct JSONRecord: Decodable {
    var smiles: String
    var nodes: [Int]
    var edges: [[Int]]
    var logp: Double
  }

  /// Reads `cfx data molecules` JSON lines (at most `limit`); names are "PREFIX-LINE".
  public static func loadJSONLines(_ url: URL, limit: Int? = nil, namePrefix: String) throws(MoleculeDataError) -> [MoleculeEntry] {
    guard let handle = FileHandle(forReadingAtPath: url.path) else {
      throw MoleculeDataError(message: "\(url.path): cannot open; run `cfx data molecules` first (it writes ~/.cache/cfx/data/molecules)")
    }
    defer { try? handle.close() }
    var entries: [MoleculeEntry] = []
    let decoder = JSONDecoder()
    var lineNumber = 0
    var pending = Data()
    func consume(_ line: Data) throws(MoleculeDataError) {
      lineNumber += 1
      guard !line.isEmpty else { return }
      let record: JSONRecord
      do { record = try decoder.decode(JSONRecord.self, from: line) } catch {
        throw MoleculeDataError(message: "\(url.path):\(lineNumber): not a molecule record (\(error)); regenerate with `cfx data molecules`")
      }
      let edges = record.edges.compactMap { $0.count == 3 ? MolecularGraph.Edge(begin: $0[0], end: $0[1], bondClass: $0[2]) : nil }
      guard edges.count == record.edges.count, record.nodes.allSatisfy({ $0 >= 0 && $0 < encoding.atomClasses.count }),
        edges.allSatisfy({ $0.begin >= 0 && $0.end < record.nodes.count && $0.begin < $0.end && (1...3).contains($0.bondClass) })
      else { throw MoleculeDataError(message: "\(url.path):\(lineNumber): malformed graph; regenerate with `cfx data molecules`") }
      entries.append(MoleculeEntry(
        name: "\(namePrefix)-\(lineNumber - 1)", smiles: record.smiles, graph: MolecularGraph(nodeClasses: record.nodes, edges: edges),
        logp: record.logp))
    }
    while limit.map({ entries.count < $0 }) ?? true {
      let chunk = handle.readData(ofLength: 1 << 20)
      if chunk.isEmpty { break }
      pending.append(chunk)
      var start = pending.startIndex
      while let newline = pending[start...].firstIndex(of: 0x0A) {
        try consume(pending[start..<newline])
        start = pending.index(after: newline)
        if let limit, entries.count >= limit { break }
      }
      pending = Data(pending[start...])
    }
    if !pending.isEmpty && (limit.map { entries.count < $0 } ?? true) { try consume(pending) }
    guard !entries.isEmpty else { throw MoleculeDataError(message: "\(url.path): no molecules") }
    return entries
  }

  /// Reads a molecule file (.smi, .sdf, …): records that cannot be parsed, are invalid or use
  /// atoms outside the encoding are skipped and reported as "SOURCE: reason", the source naming
  /// the file and line or record once ("in.smi line 6", "in.sdf record 3 (line 120)").
  /// With `standardization` other than `.none`, each record is standardised first
  /// (`standardizedEntry`).
  public static func loadFile(
    _ path: String, limit: Int? = nil, standardization: StandardizationOptions = .none
  ) throws(MoleculeDataError) -> (entries: [MoleculeEntry], skipped: [String]) {
    var entries: [MoleculeEntry] = [], skipped: [String] = []
    do {
      let extras: OpenBabel.Extras = standardization == .none ? [] : [.canonicalSMILES]
      try MoleculeReader.forEachRecord(path: path, extras: extras) { record, parsed in
        switch record.result {
        case .failure(let error):
          skipped.append(located("\(error)", at: record.source))
        case .success(let molecule):
          let name = molecule.name.isEmpty ? record.source : molecule.name
          switch standardizedEntry(molecule, givenSMILES: parsed?.canonicalSMILES, name: name, record: record.source, options: standardization) {
          case .success(let e): entries.append(e)
          case .failure(let reason): skipped.append(located(reason.message, at: record.source))
          }
        }
        return limit.map { entries.count < $0 } ?? true
      }
    } catch {
      throw MoleculeDataError(message: "\(path): \(error)")
    }
    return (entries, skipped)
  }

  /// The entry of a parsed molecule after standardisation under `options` (Chemistry's
  /// MoleculeStandardizer; stereo marks in `givenSMILES` are reported as dropped), with the
  /// given SMILES and the notes kept in the entry; `.none` is `entry(_:smiles:name:)`.
  public static func standardizedEntry(
    _ molecule: Molecule, givenSMILES: String?, name: String, record: String, options: StandardizationOptions
  ) -> Result<MoleculeEntry, MoleculeDataError> {
    guard options != .none else { return entry(molecule, smiles: givenSMILES, name: name) }
    let standardized: StandardizedMolecule
    do { standardized = try MoleculeStandardizer.standardize(molecule, options: options, record: record) } catch {
      return .failure(MoleculeDataError(message: "\(error)".hasPrefix(record + ": ") ? String("\(error)".dropFirst(record.count + 2)) : "\(error)"))
    }
    var notes = standardized.notes
    if let givenSMILES, let stereo = MoleculeStandardizer.stereoNote(ofSMILES: givenSMILES) { notes.append(stereo) }
    let changed = !standardized.notes.isEmpty
    switch entry(standardized.molecule, smiles: changed ? nil : givenSMILES, name: name) {
    case .failure(let reason):
      let why = notes.isEmpty ? "" : " (after standardisation: \(notes.joined(separator: "; ")))"
      return .failure(MoleculeDataError(message: reason.message + why))
    case .success(var e):
      e.inputSMILES = givenSMILES ?? ((try? OpenBabel.canonicalSMILES(of: molecule)) ?? "")
      e.standardization = notes
      return .success(e)
    }
  }

  /// The entry of a parsed molecule, or why it cannot be used (invalid, or not encodable).
  public static func entry(_ molecule: Molecule, smiles: String?, name: String) -> Result<MoleculeEntry, MoleculeDataError> {
    let report = molecule.validity
    guard report.isValid else { return .failure(MoleculeDataError(message: "invalid molecule: \(report.summary)")) }
    let graph: MolecularGraph
    do { graph = try encoding.encode(molecule) } catch {
      return .failure(MoleculeDataError(message: "\(error) (supported atoms: \(encoding.atomClasses.map(\.description).joined(separator: " ")))"))
    }
    let text = smiles ?? ((try? OpenBabel.canonicalSMILES(of: molecule)) ?? "")
    return .success(MoleculeEntry(name: name, smiles: text, graph: graph, logp: Crippen.logP(molecule)))
  }

  /// Training examples: class 1/0 for in/out of `window` (kind .window) or the logP value.
  public static func examples(_ entries: [MoleculeEntry], kind: MoleculeConditionKind, window: PropertyTarget = .drugLikeLogP) -> [GraphExample] {
    entries.map { e in
      let target: Float = kind == .window ? (window.contains(e.logp) ? 1 : 0) : Float(e.logp)
      return GraphExample(graph: graph(e.graph), target: [target])
    }
  }

  /// SHA-256 of a data file (the training-data checksum recorded with a model).
  public static func checksum(ofFile path: String) throws(MoleculeDataError) -> String {
    guard let digest = SHA256.hex(ofFile: path) else {
      throw MoleculeDataError(message: "\(path): cannot read it to compute its checksum")
    }
    return digest
  }


  /// `message` located once at `source`: messages that already start with it are kept as they are.
  public static func located(_ message: String, at source: String) -> String {
    message.hasPrefix(source + ":") ? message : "\(source): \(message)"
  }

  /// Whether a failed SMILES argument reads as a file path (a '/' or a molecule file extension).
  static func looksLikePath(_ text: String) -> Bool {
    let ext = URL(fileURLWithPath: text).pathExtension.lowercased()
    return text.contains("/") && !text.contains("=") || ["smi", "smiles", "sdf", "sd", "mol", "mol2", "csv", "txt", "ism", "can", "jsonl"].contains(ext)
  }

  /// Parses inline SMILES ("SMILES" or "SMILES name"); bad ones are returned as messages.
  /// With `standardization` other than `.none`, each is standardised first (`standardizedEntry`).
  public static func parse(
    _ inputs: [(source: String, text: String)], standardization: StandardizationOptions = .none
  ) -> (entries: [MoleculeEntry], skipped: [String]) {
    var entries: [MoleculeEntry] = [], skipped: [String] = []
    for (source, text) in inputs {
      guard let (smiles, name) = MoleculeReader.splitSMILESLine(Substring(text)) else { continue }
      do {
        let parsed = try MoleculeReader.parseSMILES(smiles, name: name, record: source)
        switch MoleculeData.standardizedEntry(
          parsed.molecule, givenSMILES: smiles, name: name.isEmpty ? source : name, record: source, options: standardization) {
        case .success(let entry): entries.append(entry)
        case .failure(let reason): skipped.append("\(source): \(reason.message)")
        }
      } catch {
        // A graph6 string or a missing file's name is no SMILES, but the mistakes are common
        // enough to name their fix.
        var hint = (try? Graph6.decode(String(smiles))) != nil ? " (it reads as graph6: graphs are explained by `cfx explain graphs`)" : ""
        if looksLikePath(smiles) { hint += " ('\(smiles)' looks like a file name, but no such file exists; an argument naming an existing file is read as a molecule file)" }
        skipped.append(located("\(error)", at: source) + hint)
      }
    }
    return (entries, skipped)
  }
}
