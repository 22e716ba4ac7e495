// Typed errors of the chemistry layer. Every message names the record (file and record number,
// or "inline SMILES") and the reason, and says how to fix it where a fix is known.

/// Errors from reading, writing and evaluating molecules.
public enum ChemistryError: Error, CustomStringConvertible, Equatable {
  /// The input could not be parsed; `record` names the file/record or "inline SMILES".
  case parse(record: String, message: String)
  /// The input was refused before parsing (too long, binary, empty); `record` names it.
  case invalidInput(record: String, message: String)
  /// A file or directory could not be read or written.
  case io(path: String, message: String)
  /// A plugin or data file of Open Babel is missing (installation problem).
  case missingData(String)
  /// Open Babel failed unexpectedly.
  case internalError(String)

  /// A one-line explanation for users.
  public var description: String {
    switch self {
    case .parse(let record, let message): return "\(record): cannot parse molecule: \(message)"
    case .invalidInput(let record, let message): return "\(record): \(message)"
    case .io(let path, let message): return "\(path): \(message)"
    case .missingData(let m): return "Open Babel installation problem: \(m)"
    case .internalError(let m): return "Open Babel internal error: \(m)"
    }
  }
}
