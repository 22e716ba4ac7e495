// The model-free baseline of counterfactual search: random edits of the input, scored by the
// property, the best kept. This is what exmol's STONED search does with SELFIES string
// mutations (Wellawatte, Seshadri and White, "Model agnostic generation of counterfactual
// explanations for molecules", 2022); here the edits act on the molecular graph, so every
// mutant is checked by the same validity rules as cfx's answers, and the property is scored
// through the same `PropertyScorer`, so both are compared at an equal evaluation budget.
//
// One mutant is 1–3 edits drawn uniformly from: change an atom's element (C N O F S Cl Br),
// change a bond's order (1–3) or remove it, add an atom on a single bond, remove an atom of
// degree 1, close a ring by a single bond between atoms 4–7 bonds apart (rings of 5–8 atoms).
// Mutants that are invalid (valence, more than one fragment), carry a triple bond inside a ring
// (benzyne-like: no stable molecule, and toolkits disagree on its aromaticity), are the input
// itself or were already drawn are discarded without scoring. The pool is drawn first (at most 50 tries per mutant wanted),
// then scored in batches until the budget is spent. Which of the scored mutants become answers
// is the engine's choice, by the same ranking as every other method's answers (the realism
// guard and `--keep` guards included), so the baseline and GDCE are compared at an equal budget
// and under an equal selection.

import Chemistry
import Tensor

/// Counterfactuals by random graph edits of the input, at a given evaluation budget.
public enum MutationSearch {
  /// Mutants scored when no budget caps the search.
  public static let defaultPool = 1_000

  /// The scored mutants of `input` in the search's own order (in target first, the most
  /// similar first; then closest to the target), each with its property value; at most
  /// `scorer.remaining` (or `defaultPool`) distinct valid mutants are scored. Shapes: graphs may
  /// have other atom counts than the input.
  public static func scoredMutants(
    of input: MolecularGraph, inputFingerprint: Fingerprint, target: PropertyTarget, scorer: PropertyScorer, seed: UInt64
  ) throws(OracleError) -> [(graph: MolecularGraph, value: Double)] {
    let wanted = scorer.remaining ?? defaultPool
    guard wanted > 0 else { return [] }
    var rng = RandomGenerator(seed: seed)
    let inputSMILES = ScoredMolecule(input).smiles
    var seen: Set<String> = [inputSMILES]
    var pool: [(graph: MolecularGraph, scored: ScoredMolecule, similarity: Double)] = []
    var tries = 0
    while pool.count < wanted && tries < 50 * wanted {
      tries += 1
      var graph = input
      for _ in 0..<(1 + rng.nextInt(below: 3)) { graph = mutated(graph, using: &rng) }
      let scored = ScoredMolecule(graph)
      guard scored.isValid, !scored.smiles.isEmpty, !hasRingTripleBond(scored.molecule), seen.insert(scored.smiles).inserted else { continue }
      pool.append((graph, scored, Morgan.bits(scored.molecule).tanimoto(inputFingerprint)))
    }
    var values: [Double?] = []
    var start = 0
    while start < pool.count && scorer.remaining != 0 {
      let batch = pool[start..<Swift.min(pool.count, start + 64)]
      values += try scorer.values(batch.map(\.scored))
      start += batch.count
    }
    let ranked = values.indices.filter { values[$0] != nil }.sorted { a, b in
      let (da, db) = (target.distance(to: values[a]!), target.distance(to: values[b]!))
      if (da == 0) != (db == 0) { return da == 0 }
      if da == 0 { return pool[a].similarity != pool[b].similarity ? pool[a].similarity > pool[b].similarity : a < b }
      return da != db ? da < db : a < b
    }
    return ranked.map { (pool[$0].graph, values[$0]!) }
  }

  /// Elements a mutation may put on an atom slot: C N O F S Cl Br (neutral classes of the
  /// standard encoding).
  static let elements: [Int] = [6, 7, 8, 9, 16, 17, 35].compactMap { z in
    MoleculeData.encoding.atomClasses.firstIndex { $0.atomicNumber == z && $0.formalCharge == 0 }
  }

  /// One random edit of `graph` (unchanged when the drawn edit does not apply).
  static func mutated(_ graph: MolecularGraph, using rng: inout RandomGenerator) -> MolecularGraph {
    var classes = graph.nodeClasses
    var edges = graph.edges
    let n = classes.count
    switch rng.nextInt(below: 5) {
    case 0:  // change an atom's element
      classes[rng.nextInt(below: n)] = elements[rng.nextInt(below: elements.count)]
    case 1:  // change a bond's order, or remove the bond (order 0)
      guard !edges.isEmpty else { break }
      let e = rng.nextInt(below: edges.count)
      let order = rng.nextInt(below: 4)
      if order == 0 { edges.remove(at: e) } else { edges[e].bondClass = order }
    case 2:  // add an atom on a single bond
      let anchor = rng.nextInt(below: n)
      return graph.addingAtom(elements[rng.nextInt(below: 5)], bondedTo: anchor)  // C N O F S
    case 3:  // remove an atom of degree 1
      let leaves = graph.terminalAtoms
      guard !leaves.isEmpty, n > 2 else { break }
      return graph.removingAtom(leaves[rng.nextInt(below: leaves.count)]).graph
    default:  // close a ring of 5–8 atoms
      let distances = graphDistances(n: n, edges: edges)
      var pairs: [(Int, Int)] = []
      for i in 0..<n { for j in (i + 1)..<Swift.max(i + 1, n) where (4...7).contains(distances[i][j]) { pairs.append((i, j)) } }
      guard !pairs.isEmpty else { break }
      let (i, j) = pairs[rng.nextInt(below: pairs.count)]
      edges.append(.init(begin: i, end: j, bondClass: 1))
    }
    edges.sort { ($0.begin, $0.end) < ($1.begin, $1.end) }
    return MolecularGraph(nodeClasses: classes, edges: edges)
  }

  /// Whether a triple bond lies in a ring.
  static func hasRingTripleBond(_ molecule: Molecule) -> Bool {
    molecule.bonds.indices.contains { molecule.bonds[$0].order == 3 && molecule.bondRingCount[$0] > 0 }
  }

  /// Bond-count distances between all atoms (Int.max when disconnected). Shapes: n × n.
  static func graphDistances(n: Int, edges: [MolecularGraph.Edge]) -> [[Int]] {
    var neighbors = [[Int]](repeating: [], count: n)
    for e in edges { neighbors[e.begin].append(e.end); neighbors[e.end].append(e.begin) }
    return (0..<n).map { source in
      var distance = [Int](repeating: .max, count: n)
      distance[source] = 0
      var queue = [source], head = 0
      while head < queue.count {
        let a = queue[head]
        head += 1
        for b in neighbors[a] where distance[b] == .max { distance[b] = distance[a] + 1; queue.append(b) }
      }
      return distance
    }
  }
}
