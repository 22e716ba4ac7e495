// The one Swift file that talks to the Open Babel shim.
//
// Pointer ownership: a `cob_mol*` is owned by exactly one `OBMoleculeHandle`, which frees it in
// deinit. Strings returned by the shim are copied into Swift and freed immediately.
// Open Babel is not thread-safe (shared plugin state and a global error log): every call goes
// through `OpenBabel.lock`, one process-wide lock.

import COpenBabelShim
import Synchronization

/// Errors from Open Babel calls, with Open Babel's own message.
public enum ChemistryError: Error, CustomStringConvertible, Equatable {
  /// The input could not be parsed; `record` names the file/line or "inline SMILES".
  case parse(record: String, message: String)
  /// A plugin or data file of Open Babel is missing (installation problem).
  case missingData(String)
  /// Open Babel failed unexpectedly.
  case internalError(String)

  /// A one-line explanation for users.
  public var description: String {
    switch self {
    case .parse(let record, let message): return "\(record): cannot parse molecule: \(message)"
    case .missingData(let m): return "Open Babel installation problem: \(m)"
    case .internalError(let m): return "Open Babel internal error: \(m)"
    }
  }
}

/// Process-wide serialisation of Open Babel.
public enum OpenBabel {
  /// The lock every Open Babel call holds.
  static let lock = Mutex(())

  /// Open Babel's release string.
  public static var version: String { lock.withLock { _ in String(cString: cob_version()) } }
}

/// An atom as read from Open Babel: element, charge, aromatic flag and hydrogens.
public struct OBAtomRecord: Sendable, Equatable {
  /// Atomic number (6 = carbon).
  public var atomicNumber: Int
  /// Formal charge.
  public var formalCharge: Int
  /// Whether Open Babel flags the atom aromatic.
  public var isAromatic: Bool
  /// Implicit hydrogens.
  public var implicitHydrogens: Int
  /// Total valence including implicit hydrogens.
  public var totalValence: Int
}

/// A bond as read from Open Babel: 0-based atoms and Kekulé order.
public struct OBBondRecord: Sendable, Equatable {
  /// First atom (0-based).
  public var begin: Int
  /// Second atom (0-based).
  public var end: Int
  /// Kekulé bond order 1, 2 or 3.
  public var order: Int
  /// Whether Open Babel flags the bond aromatic.
  public var isAromatic: Bool
}

/// A molecule parsed by Open Babel, copied out into Swift values (no handle outlives the call).
public struct OBMoleculeRecord: Sendable, Equatable {
  /// Atoms in input order.
  public var atoms: [OBAtomRecord]
  /// Bonds.
  public var bonds: [OBBondRecord]
  /// Open Babel canonical SMILES.
  public var canonicalSMILES: String
  /// Warnings Open Babel logged while parsing (e.g. "Failed to kekulize aromatic SMILES").
  public var warnings: String
}

extension OpenBabel {
  /// Parses one SMILES string and reads back its atoms, bonds and canonical SMILES.
  public static func parseSMILES(_ smiles: String, record: String = "inline SMILES") throws(ChemistryError)
    -> OBMoleculeRecord
  {
    try lock.withLock { _ throws(ChemistryError) -> OBMoleculeRecord in
      var message = [CChar](repeating: 0, count: 2048)
      var status = COB_OK
      guard let mol = cob_mol_from_smiles(smiles, &message, message.count, &status) else {
        let text = String(cString: message)
        switch status {
        case COB_MISSING_DATA: throw .missingData(text)
        case COB_PARSE_ERROR: throw .parse(record: record, message: text)
        default: throw .internalError(text)
        }
      }
      defer { cob_mol_free(mol) }
      let warnings = String(cString: message)
      var atoms: [OBAtomRecord] = []
      for i in 0..<Int(cob_mol_num_atoms(mol)) {
        var a = cob_atom()
        guard cob_mol_atom(mol, Int32(i), &a) == COB_OK else { throw .internalError("atom \(i) missing") }
        atoms.append(OBAtomRecord(
          atomicNumber: Int(a.atomic_number), formalCharge: Int(a.formal_charge),
          isAromatic: a.aromatic != 0, implicitHydrogens: Int(a.implicit_h),
          totalValence: Int(a.total_valence)))
      }
      var bonds: [OBBondRecord] = []
      for i in 0..<Int(cob_mol_num_bonds(mol)) {
        var b = cob_bond()
        guard cob_mol_bond(mol, Int32(i), &b) == COB_OK else { throw .internalError("bond \(i) missing") }
        bonds.append(OBBondRecord(
          begin: Int(b.begin), end: Int(b.end), order: Int(b.order), isAromatic: b.aromatic != 0))
      }
      guard let can = cob_mol_canonical_smiles(mol, &message, message.count, &status) else {
        throw .internalError(String(cString: message))
      }
      defer { cob_free_string(can) }
      return OBMoleculeRecord(
        atoms: atoms, bonds: bonds, canonicalSMILES: String(cString: can), warnings: warnings)
    }
  }
}
