// Facts about a molecule graph (decoded molecule, validity, SMILES, property, fingerprint) and
// the reference sets that retrieval and novelty search.

import Basics
import Chemistry
import Diffusion
import DiffusionCore
import Foundation
import Graphs
import NN

/// Facts about one molecule graph: decoded molecule, validity, SMILES, property, fingerprint.
public struct EvaluatedMolecule: Sendable {
  /// The graph.
  public var graph: MolecularGraph
  /// The decoded molecule (hydrogens implicit from valence).
  public var molecule: Molecule
  /// Validity report.
  public var validity: ValidityReport
  /// Canonical SMILES ("" when it cannot be written).
  public var smiles: String
  /// Morgan r2 2048-bit fingerprint.
  public var fingerprint: Fingerprint

  /// Evaluates a graph.
  public init(_ graph: MolecularGraph, name: String = "") {
    self.graph = graph
    molecule = MoleculeData.encoding.decode(graph, name: name)
    validity = molecule.validity
    smiles = (try? OpenBabel.canonicalSMILES(of: molecule)) ?? ""
    fingerprint = Morgan.bits(molecule)
  }

  /// What a `PropertyScorer` scores.
  public var scored: ScoredMolecule { ScoredMolecule(molecule: molecule, smiles: smiles, isValid: validity.isValid) }
}

/// A reference set for retrieval and novelty: molecules with fingerprints and canonical SMILES.
public struct MoleculeReferenceSet: Sendable {
  /// The molecules.
  public var entries: [MoleculeEntry]
  /// Their Morgan r2 2048-bit fingerprints.
  public var fingerprints: [Fingerprint]
  /// Canonical SMILES of all, for novelty (empty unless asked for: Open Babel writes them one at
  /// a time under its lock, minutes for the whole training set).
  public var canonicalSMILES: Set<String>

  /// Decodes and fingerprints `entries` (fingerprints in parallel); with `canonicalSMILES`, also
  /// their canonical SMILES (through Open Babel's lock).
  public init(_ entries: [MoleculeEntry], canonicalSMILES withSMILES: Bool = false) {
    self.entries = entries
    let molecules = entries.map { MoleculeData.encoding.decode($0.graph) }
    // Fingerprints in parallel (Morgan is pure Swift): each worker fingerprints one contiguous
    // chunk and hands it over under a lock; chunks are joined in order.
    final class Chunks: @unchecked Sendable {
      let lock = NSLock()
      var parts: [Int: [Fingerprint]] = [:]
    }
    let chunks = Chunks()
    let workers = Swift.max(1, ProcessInfo.processInfo.activeProcessorCount)
    let size = (entries.count + workers - 1) / workers
    DispatchQueue.concurrentPerform(iterations: workers) { w in
      let part = (Swift.min(entries.count, w * size)..<Swift.min(entries.count, (w + 1) * size)).map { Morgan.bits(molecules[$0]) }
      chunks.lock.withLock { chunks.parts[w] = part }
    }
    fingerprints = (0..<workers).flatMap { chunks.parts[$0] ?? [] }
    canonicalSMILES = withSMILES ? Self.canonicalSMILES(of: molecules) : []
  }

  /// The canonical SMILES (Open Babel, one at a time under its lock) of `entries`, for novelty;
  /// molecules Open Babel cannot write are left out.
  public static func canonicalSMILES(of entries: [MoleculeEntry]) -> Set<String> {
    canonicalSMILES(of: entries.map { MoleculeData.encoding.decode($0.graph) })
  }

  /// The canonical SMILES of decoded molecules.
  static func canonicalSMILES(of molecules: [Molecule]) -> Set<String> {
    Set(molecules.compactMap { try? OpenBabel.canonicalSMILES(of: $0) })
  }

  /// Index of the most similar entry whose property (scored by `scorer`) lies in `target`
  /// (ties: first), or nil. Entries are scored in order of decreasing similarity, in batches of
  /// 1, 2, 4, … 64, until one is in target: a far reference costs nothing, and at most twice the
  /// evaluations strictly needed are spent. `isInput(i)` is asked of entries with Tanimoto 1
  /// only: true drops the entry (the input itself is never its own counterfactual).
  public func nearest(
    to fingerprint: Fingerprint, target: PropertyTarget, scorer: PropertyScorer, isInput: ((Int) -> Bool)? = nil
  ) throws(OracleError) -> (index: Int, tanimoto: Double)? {
    let similarity = fingerprints.map { $0.tanimoto(fingerprint) }
    let order = entries.indices.sorted { similarity[$0] != similarity[$1] ? similarity[$0] > similarity[$1] : $0 < $1 }
      .filter { !(similarity[$0] == 1 && isInput?($0) == true) }
    var start = 0, size = 1
    while start < order.count {
      let chunk = Array(order[start..<Swift.min(order.count, start + size)])
      let values = try scorer.values(chunk.map { ScoredMolecule(entries[$0].graph) })
      for (k, i) in chunk.enumerated() where values[k].map(target.contains) == true { return (i, similarity[i]) }
      if scorer.remaining == 0 { return nil }
      start += chunk.count
      size = Swift.min(64, size * 2)
    }
    return nil
  }
}
