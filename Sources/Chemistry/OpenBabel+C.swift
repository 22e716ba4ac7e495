// The one Swift file that talks to the Open Babel shim.
//
// Pointer ownership: a `cob_mol*` or `cob_reader*` is created and freed inside one locked call
// (`defer { cob_mol_free(...) }`); no handle escapes a call, so no deinit ever needs the lock.
// Strings returned by the shim are copied into Swift and freed immediately; borrowed `const char*`
// results (titles, properties) are copied before the handle is freed.
// Open Babel is not thread-safe (shared plugin state and a global error log): every call goes
// through `OpenBabel.lock`, one process-wide lock.

import COpenBabelShim
import Synchronization

/// Process-wide serialisation of Open Babel and the Swift entry points to it.
public enum OpenBabel {
  /// The lock every Open Babel call holds.
  static let lock = Mutex(())

  /// Open Babel's release string.
  public static var version: String { lock.withLock { _ in String(cString: cob_version()) } }

  /// Whether Open Babel can read (`write == false`) or write the format with this id.
  public static func hasFormat(_ format: String, write: Bool = false) -> Bool {
    lock.withLock { _ in cob_has_format(format, write ? 1 : 0) != 0 }
  }

  /// Extra Open Babel results computed on the same parsed molecule.
  public struct Extras: OptionSet, Sendable {
    /// Raw option bits.
    public let rawValue: Int
    /// Creates the set from raw bits.
    public init(rawValue: Int) { self.rawValue = rawValue }
    /// Open Babel's group-contribution logP ("logp-openbabel").
    public static let logP = Extras(rawValue: 1)
    /// Open Babel's ECFP4 (4096 bits).
    public static let ecfp4 = Extras(rawValue: 2)
    /// Open Babel's TPSA.
    public static let tpsa = Extras(rawValue: 4)
    /// Open Babel canonical SMILES of the record as read (with stereo).
    public static let canonicalSMILES = Extras(rawValue: 8)
  }

  /// A parsed record with the requested Open Babel extras.
  public struct Parsed: Sendable {
    /// The molecule (hydrogens folded into implicit counts).
    public var molecule: Molecule
    /// Open Babel logP when requested.
    public var logP: Double?
    /// Open Babel ECFP4 when requested.
    public var ecfp4: Fingerprint?
    /// Open Babel TPSA when requested.
    public var tpsa: Double?
    /// Open Babel canonical SMILES (isomeric) when requested.
    public var canonicalSMILES: String?
  }

  /// Copies a NUL-terminated message buffer into a String.
  static func text(_ buffer: [CChar]) -> String {
    let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// Maps a failed status to a typed error.
  static func error(_ status: cob_status, record: String, message: String) -> ChemistryError {
    switch status {
    case COB_MISSING_DATA: return .missingData(message)
    case COB_PARSE_ERROR: return .parse(record: record, message: message)
    default: return .internalError("\(record): \(message)")
    }
  }

  /// A reason Open Babel's data files are unusable (logP would silently be 0), or nil when fine.
  /// Checked once per process with phenol, whose Open Babel logP is 1.3922.
  public static let installationProblem: String? = {
    do throws(ChemistryError) {
      let parsed = try parse("Oc1ccccc1", format: "smi", record: "installation check", extras: [.logP])
      if let value = parsed.logP, abs(value - 1.3922) < 1e-3 { return nil }
      return "Open Babel's logP of phenol is \(parsed.logP ?? .nan), expected 1.3922: its data "
        + "files are missing (set BABEL_DATADIR to the directory holding logp.txt)"
    } catch {
      if case .missingData(let message) = error { return message }
      return "\(error)"
    }
  }()

  /// Parses one record (`format` as in `obabel -L formats`: "smi", "sdf", "mol2", …) and computes
  /// `extras` on the same Open Babel molecule.
  public static func parse(
    _ text: String, format: String, record: String, extras: Extras = []
  ) throws(ChemistryError) -> Parsed {
    try lock.withLock { _ throws(ChemistryError) -> Parsed in
      var message = [CChar](repeating: 0, count: 2048)
      var status = COB_OK
      guard let mol = cob_mol_from_string(text, format, &message, message.count, &status) else {
        throw error(status, record: record, message: self.text(message))
      }
      defer { cob_mol_free(mol) }
      let warnings = self.text(message)
      return try evaluateLocked(mol, record: record, warnings: warnings, extras: extras)
    }
  }

  /// Computes `extras` for a molecule built from its graph (e.g. a diffusion sample).
  public static func evaluate(_ molecule: Molecule, extras: Extras) throws(ChemistryError) -> Parsed {
    try lock.withLock { _ throws(ChemistryError) -> Parsed in
      let mol = try buildLocked(molecule)
      defer { cob_mol_free(mol) }
      var parsed = try evaluateLocked(mol, record: molecule.name, warnings: "", extras: extras)
      parsed.molecule = molecule
      return parsed
    }
  }

  /// Canonical SMILES of `molecule` written by Open Babel from its graph, with cfx's (RDKit-model)
  /// aromaticity and without stereo: the string the graph round trip is measured on.
  public static func canonicalSMILES(of molecule: Molecule) throws(ChemistryError) -> String {
    try lock.withLock { _ throws(ChemistryError) -> String in
      let mol = try buildLocked(molecule)
      defer { cob_mol_free(mol) }
      return try writeLocked(mol, format: "can", options: "n i", record: molecule.name)
        .trimmingTrailingWhitespace()
    }
  }

  /// Writes `molecule` in `format` ("sdf", "smi", "mol2", …) with its name and properties
  /// (SDF tags); `coordinates2D` lays the molecule out with Open Babel's gen2D first.
  public static func write(
    _ molecule: Molecule, format: String, coordinates2D: Bool = true
  ) throws(ChemistryError) -> String {
    try lock.withLock { _ throws(ChemistryError) -> String in
      let mol = try buildLocked(molecule)
      defer { cob_mol_free(mol) }
      cob_mol_set_title(mol, molecule.name)
      for property in molecule.properties { cob_mol_set_property(mol, property.key, property.value) }
      if coordinates2D {
        var message = [CChar](repeating: 0, count: 1024)
        let status = cob_mol_generate_2d(mol, &message, message.count)
        guard status == COB_OK else { throw error(status, record: molecule.name, message: text(message)) }
      }
      let text = try writeLocked(mol, format: format, options: nil, record: molecule.name)
      return ["sdf", "sd", "mol", "mdl"].contains(format) ? withoutTimestamp(text) : text
    }
  }

  /// A molfile record with the date and time of its header's second line (columns 11–20,
  /// MMDDYYHHmm, which Open Babel fills with the clock) blanked, so that the same molecule is
  /// always written the same way; the CTfile format allows the field blank.
  static func withoutTimestamp(_ record: String) -> String {
    var lines = record.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    guard lines.count > 1, lines[1].count >= 20 else { return record }
    let line = Array(lines[1])
    lines[1] = String(line[0..<10]) + String(repeating: " ", count: 10) + String(line[20...])
    return lines.joined(separator: "\n")
  }

  /// Reads every record of a multi-record text in `format` with Open Babel's own splitter,
  /// computing `extras` for each. Records Open Babel rejects come back as failures; reading goes
  /// on after them.
  public static func readAll(
    _ text: String, format: String, source: String, extras: Extras = []
  ) throws(ChemistryError) -> [Result<Parsed, ChemistryError>] {
    try lock.withLock { _ throws(ChemistryError) -> [Result<Parsed, ChemistryError>] in
      var message = [CChar](repeating: 0, count: 2048)
      var status = COB_OK
      let utf8 = Array(text.utf8)
      guard let reader = utf8.withUnsafeBufferPointer({ buffer in
        buffer.withMemoryRebound(to: CChar.self) {
          cob_reader_open($0.baseAddress, $0.count, format, &message, message.count, &status)
        }
      }) else {
        throw error(status, record: source, message: self.text(message))
      }
      defer { cob_reader_free(reader) }
      var results: [Result<Parsed, ChemistryError>] = []
      while true {
        let record = "\(source) record \(results.count + 1)"
        let mol = cob_reader_next(reader, &message, message.count, &status)
        guard let mol else {
          if status == COB_END { break }
          results.append(.failure(error(status, record: record, message: self.text(message))))
          if status == COB_PARSE_ERROR { continue }
          break  // an exception inside Open Babel: stop rather than risk repeating it forever
        }
        defer { cob_mol_free(mol) }
        do throws(ChemistryError) {
          let parsed = try evaluateLocked(mol, record: record, warnings: self.text(message), extras: extras)
          results.append(.success(parsed))
        } catch {
          results.append(.failure(error))
        }
      }
      return results
    }
  }

  // MARK: - Locked helpers (caller holds `lock`).

  static func evaluateLocked(
    _ mol: OpaquePointer, record: String, warnings: String, extras: Extras
  ) throws(ChemistryError) -> Parsed {
    var message = [CChar](repeating: 0, count: 2048)
    let molecule = try moleculeLocked(mol, warnings: warnings)
    var parsed = Parsed(molecule: molecule)
    if extras.contains(.logP) {
      var value = 0.0
      let status = cob_mol_descriptor(mol, "logP", &value, &message, message.count)
      guard status == COB_OK else { throw error(status, record: record, message: text(message)) }
      parsed.logP = value
    }
    if extras.contains(.tpsa) {
      var value = 0.0
      let status = cob_mol_descriptor(mol, "TPSA", &value, &message, message.count)
      guard status == COB_OK else { throw error(status, record: record, message: text(message)) }
      parsed.tpsa = value
    }
    if extras.contains(.ecfp4) {
      var words = [UInt32](repeating: 0, count: 256)
      var count: Int32 = 0
      let status = cob_mol_fingerprint(mol, "ECFP4", &words, Int32(words.count), &count, &message, message.count)
      guard status == COB_OK else { throw error(status, record: record, message: text(message)) }
      parsed.ecfp4 = Fingerprint(kind: .openBabelECFP4, words32: Array(words.prefix(Int(count))))
    }
    if extras.contains(.canonicalSMILES) {
      parsed.canonicalSMILES = try writeLocked(mol, format: "can", options: "n", record: record)
        .trimmingTrailingWhitespace()
    }
    return parsed
  }

  /// Copies an Open Babel molecule into a `Molecule`, folding plain hydrogens into their
  /// heavy neighbour's implicit count.
  static func moleculeLocked(_ mol: OpaquePointer, warnings: String) throws(ChemistryError) -> Molecule {
    let atomCount = Int(cob_mol_num_atoms(mol)), bondCount = Int(cob_mol_num_bonds(mol))
    var rawAtoms = [cob_atom](repeating: cob_atom(), count: max(atomCount, 1))
    var rawBonds = [cob_bond](repeating: cob_bond(), count: max(bondCount, 1))
    guard cob_mol_atoms(mol, &rawAtoms, Int32(rawAtoms.count)) == COB_OK,
      cob_mol_bonds(mol, &rawBonds, Int32(rawBonds.count)) == COB_OK
    else { throw .internalError("could not read atoms/bonds back from Open Babel") }
    // Heavy-atom degree of each hydrogen decides whether it folds.
    var hydrogenNeighbor = [Int](repeating: -1, count: atomCount)
    var hydrogenDegree = [Int](repeating: 0, count: atomCount)
    for b in rawBonds.prefix(bondCount) {
      for (h, other) in [(Int(b.begin), Int(b.end)), (Int(b.end), Int(b.begin))]
      where rawAtoms[h].atomic_number == 1 {
        hydrogenDegree[h] += 1
        hydrogenNeighbor[h] = rawAtoms[other].atomic_number == 1 ? -2 : other
      }
    }
    var newIndex = [Int](repeating: -1, count: atomCount)
    var atoms: [Atom] = []
    for i in 0..<atomCount {
      let a = rawAtoms[i]
      let folds = a.atomic_number == 1 && a.formal_charge == 0 && a.isotope == 0
        && hydrogenDegree[i] == 1 && hydrogenNeighbor[i] >= 0
      if folds { continue }
      newIndex[i] = atoms.count
      atoms.append(Atom(
        atomicNumber: Int(a.atomic_number), formalCharge: Int(a.formal_charge),
        implicitHydrogens: Int(a.implicit_h), isotope: Int(a.isotope)))
    }
    for i in 0..<atomCount where newIndex[i] < 0 {
      atoms[newIndex[hydrogenNeighbor[i]]].implicitHydrogens += 1
    }
    var bonds: [Bond] = []
    for b in rawBonds.prefix(bondCount) {
      let u = newIndex[Int(b.begin)], v = newIndex[Int(b.end)]
      guard u >= 0, v >= 0 else { continue }
      guard (1...3).contains(Int(b.order)), u != v else {
        throw .parse(record: "", message: "bond \(b.begin + 1)-\(b.end + 1) has unsupported order \(b.order)")
      }
      bonds.append(Bond(u, v, order: Int(b.order)))
    }
    var properties: [MoleculeProperty] = []
    let propertyCount = cob_mol_num_properties(mol)
    for i in 0..<propertyCount {
      var key: UnsafePointer<CChar>? = nil, value: UnsafePointer<CChar>? = nil
      if cob_mol_property(mol, i, &key, &value) == COB_OK, let key, let value {
        properties.append(MoleculeProperty(key: String(cString: key), value: String(cString: value)))
      }
    }
    let name = String(cString: cob_mol_title(mol))
    return Molecule(
      name: name, atoms: atoms, bonds: bonds, properties: properties,
      readerWarnings: warnings.isEmpty ? [] : [warnings])
  }

  /// Builds an Open Babel molecule from a `Molecule` with cfx's aromaticity flags.
  static func buildLocked(_ molecule: Molecule) throws(ChemistryError) -> OpaquePointer {
    let atoms = molecule.atoms.enumerated().map { i, a in
      cob_atom(
        atomic_number: Int32(a.atomicNumber), formal_charge: Int32(a.formalCharge),
        aromatic: molecule.isAromaticAtom[i] ? 1 : 0, implicit_h: Int32(a.implicitHydrogens),
        total_valence: 0, isotope: Int32(a.isotope))
    }
    let bonds = molecule.bonds.enumerated().map { i, b in
      cob_bond(
        begin: Int32(b.begin), end: Int32(b.end), order: Int32(b.order),
        aromatic: molecule.isAromaticBond[i] ? 1 : 0)
    }
    var message = [CChar](repeating: 0, count: 1024)
    var status = COB_OK
    guard let mol = cob_mol_build(
      Int32(atoms.count), atoms, Int32(bonds.count), bonds, 1, &message, message.count, &status)
    else { throw error(status, record: molecule.name, message: text(message)) }
    return mol
  }

  static func writeLocked(
    _ mol: OpaquePointer, format: String, options: String?, record: String
  ) throws(ChemistryError) -> String {
    var message = [CChar](repeating: 0, count: 1024)
    var status = COB_OK
    guard let out = cob_mol_write(mol, format, options, &message, message.count, &status) else {
      throw error(status, record: record, message: text(message))
    }
    defer { cob_free_string(out) }
    return String(cString: out)
  }
}

/// An atom as read from Open Babel: element, charge, aromatic flag and hydrogens.
public struct OBAtomRecord: Sendable, Equatable {
  /// Atomic number (6 = carbon).
  public var atomicNumber: Int
  /// Formal charge.
  public var formalCharge: Int
  /// Whether the atom is aromatic (cfx's RDKit-model perception).
  public var isAromatic: Bool
  /// Implicit hydrogens.
  public var implicitHydrogens: Int
  /// Total valence including implicit hydrogens.
  public var totalValence: Int
}

/// A parsed SMILES summarised for diagnostics (kept for `cfx doctor`).
public struct OBMoleculeRecord: Sendable, Equatable {
  /// Atoms in input order.
  public var atoms: [OBAtomRecord]
  /// Open Babel canonical SMILES.
  public var canonicalSMILES: String
  /// Warnings Open Babel logged while parsing (e.g. "Failed to kekulize aromatic SMILES").
  public var warnings: String
}

extension OpenBabel {
  /// Parses one SMILES string and summarises it (used by `cfx doctor`).
  public static func parseSMILES(_ smiles: String, record: String = "inline SMILES") throws(ChemistryError)
    -> OBMoleculeRecord
  {
    let parsed = try parse(smiles, format: "smi", record: record, extras: [.canonicalSMILES])
    let m = parsed.molecule
    let atoms = m.atoms.indices.map { i in
      OBAtomRecord(
        atomicNumber: m.atoms[i].atomicNumber, formalCharge: m.atoms[i].formalCharge,
        isAromatic: m.isAromaticAtom[i], implicitHydrogens: m.atoms[i].implicitHydrogens,
        totalValence: m.totalValence(i))
    }
    return OBMoleculeRecord(
      atoms: atoms, canonicalSMILES: parsed.canonicalSMILES ?? "",
      warnings: m.readerWarnings.joined(separator: "; "))
  }
}

extension String {
  /// The string without trailing spaces, tabs and newlines.
  func trimmingTrailingWhitespace() -> String {
    var s = Substring(self)
    while let last = s.last, last == " " || last == "\t" || last == "\n" || last == "\r" { s = s.dropLast() }
    return String(s)
  }
}
