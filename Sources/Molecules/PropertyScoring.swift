// Where the property of a target comes from (a built-in descriptor or a user's model), and what
// scoring costs. Every explanation of one input scores its molecules through one
// `PropertyScorer`: it counts evaluations, caps them at a budget, and never asks twice for the
// same molecule.
//
// An evaluation is one distinct molecule (canonical SMILES) whose property was computed for this
// input, whatever asked for it: steering, scoring the answers, refinement, the input itself.
// For Crippen logP an evaluation is free; for a user's model it is the cost, so it is counted the
// same way for every source and every method, and a budget means the same thing everywhere.
// A molecule Open Babel cannot write (empty SMILES) counts each time it is evaluated.

import Chemistry

/// What the property of a target is computed by.
public enum PropertySource: Sendable {
  /// A built-in descriptor, computed on the molecule.
  case builtin(TargetProperty)
  /// A user's model over the line protocol (ExternalOracle.swift): sent only valid molecules.
  case oracle(ExternalOracle)

  /// "logp", or "oracle 'name'".
  public var description: String {
    switch self {
    case .builtin(let p): p.rawValue
    case .oracle(let o): "oracle '\(o.configuration.name)'"
    }
  }
}

/// One molecule to score: the molecule, its canonical SMILES ("" when unwritable) and validity.
public struct ScoredMolecule: Sendable {
  /// The molecule.
  public var molecule: Molecule
  /// Canonical SMILES, the cache key ("" when Open Babel cannot write it).
  public var smiles: String
  /// Whether it passes the validity check (an oracle is sent valid molecules only).
  public var isValid: Bool

  /// A molecule to score.
  public init(molecule: Molecule, smiles: String, isValid: Bool) { (self.molecule, self.smiles, self.isValid) = (molecule, smiles, isValid) }

  /// Decodes `graph` and writes its canonical SMILES.
  public init(_ graph: MolecularGraph) {
    molecule = MoleculeData.encoding.decode(graph)
    smiles = (try? OpenBabel.canonicalSMILES(of: molecule)) ?? ""
    isValid = molecule.validity.isValid
  }
}

/// Scores the molecules of one input's explanation: counts evaluations, caps them at `budget`,
/// caches values by canonical SMILES. Not shared between inputs (each input's count and
/// answers do not depend on the others). One explanation may hold several runs (one per τ):
/// `beginRun` starts a run with the whole budget and an empty cache, so a τ's answers do not
/// depend on the other τ values asked for.
public final class PropertyScorer: @unchecked Sendable {
  /// The property's source.
  public let source: PropertySource
  /// Most evaluations allowed (nil: unlimited).
  public let budget: Int?
  /// Evaluations of the current run.
  public private(set) var evaluations = 0
  /// Evaluations of all runs.
  public private(set) var totalEvaluations = 0
  /// Molecules that went unscored because the budget was spent (all runs).
  public private(set) var unscored = 0
  private var cache: [String: Double] = [:]

  /// A scorer of `source` with at most `budget` evaluations (≥ 1 when given).
  public init(_ source: PropertySource, budget: Int? = nil) {
    precondition(budget.map { $0 >= 1 } ?? true, "PropertyScorer: budget \(budget!) must be ≥ 1")
    (self.source, self.budget) = (source, budget)
  }

  /// Starts a run: the budget is whole again and nothing is cached.
  public func beginRun() {
    evaluations = 0
    cache = [:]
  }

  /// Evaluations still allowed in this run (nil: unlimited).
  public var remaining: Int? { budget.map { Swift.max(0, $0 - evaluations) } }

  /// The property of each molecule, nil where none is computed: invalid molecules for an
  /// oracle, and, once the budget is spent, molecules not seen before. `reserve` evaluations are
  /// kept back for later callers (steering keeps back what scoring the answers needs);
  /// `allOrNothing` scores none of the new molecules unless all of them fit. Shapes: n → n.
  public func values(_ molecules: [ScoredMolecule], reserve: Int = 0, allOrNothing: Bool = false) throws(OracleError) -> [Double?] {
    var result = [Double?](repeating: nil, count: molecules.count)
    var fresh: [Int] = []
    var firstOf: [String: Int] = [:]  // a new SMILES asked for twice in one call costs once
    var duplicates: [(Int, Int)] = []
    for (i, m) in molecules.enumerated() {
      if case .oracle = source, !m.isValid { continue }
      if !m.smiles.isEmpty, let v = cache[m.smiles] { result[i] = v; continue }
      if !m.smiles.isEmpty, let j = firstOf[m.smiles] { duplicates.append((i, j)); continue }
      if !m.smiles.isEmpty { firstOf[m.smiles] = i }
      fresh.append(i)
    }
    let allowed = remaining.map { Swift.max(0, $0 - reserve) } ?? fresh.count
    if allowed < fresh.count {
      unscored += allOrNothing ? fresh.count : fresh.count - allowed
      if allOrNothing { fresh = [] } else { fresh = Array(fresh.prefix(allowed)) }
    }
    guard !fresh.isEmpty else {
      for (i, j) in duplicates { result[i] = result[j] }
      return result
    }
    let values: [Double]
    switch source {
    case .builtin(let property): values = fresh.map { property.value(of: molecules[$0].molecule) }
    case .oracle(let oracle): values = try oracle.values(of: fresh.map { molecules[$0].smiles })
    }
    evaluations += fresh.count
    totalEvaluations += fresh.count
    for (k, i) in fresh.enumerated() {
      result[i] = values[k]
      if !molecules[i].smiles.isEmpty { cache[molecules[i].smiles] = values[k] }
    }
    for (i, j) in duplicates { result[i] = result[j] }
    return result
  }

  /// The property of one molecule (nil as for `values`).
  public func value(_ molecule: ScoredMolecule) throws(OracleError) -> Double? {
    try values([molecule])[0]
  }
}
