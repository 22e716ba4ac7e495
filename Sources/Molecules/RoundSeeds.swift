// What GDCE's budget rounds draw from besides the whole input. GDCE keeps atom slots, so seeds
// are how its answers can have an atom fewer or more than the input (removing a methyl or adding
// a fluorine is often the closest change), and one-site seeds let the model propose the single
// edits that noising the whole molecule rarely leaves alone.
//
// Rounds cycle through four kinds, a quarter of them each:
//  * 0 mod 4: the whole input noised to τ (plain GDCE);
//  * 1 mod 4: the input without one terminal atom, noised to τ;
//  * 2 mod 4: the input with one atom and every bond touching it redrawn, the rest kept
//    (`ClampedConstraint`), the atom ending as another element: the model's next choice for
//    that site given everything else, as a masked language model proposes a substitution;
//  * 3 mod 4: the input with a carbon added on a single bond, only the new atom redrawn (the
//    model decides what it becomes: C, N, O, a halogen, and whether it closes a ring).
// Each kind visits its sites (terminal atoms, atoms, anchors with a free valence) in a random
// order drawn once per run and then cycles through it again, so a budget covers every site
// before it repeats one: the model proposes, the budget decides how many sites it reaches.

import Chemistry
import Tensor

/// The seed of one budget round that does not noise the whole input.
struct RoundSeed {
  /// The seed molecule (the input, or the input with an atom removed or added).
  var graph: MolecularGraph
  /// The slot of each input atom in `graph` (nil: removed). Shapes: input atom count.
  var matching: [Int?]
  /// The atoms the model redraws (nil: the whole seed is noised). Shapes: seed atom count.
  var freeAtoms: [Bool]?
  /// Whether the free atoms must end as another element than the seed's.
  var changesFreeAtoms = false
}

/// The seeds of one input's budget rounds (see the file comment).
struct RoundSeeds {
  /// The input without each terminal atom whose removal leaves a valid molecule, in visiting order.
  let removals: [(graph: MolecularGraph, matching: [Int?])]
  /// Atom indices in visiting order.
  let sites: [Int]
  /// The input with a carbon on each atom that can take one, in visiting order.
  let additions: [MolecularGraph]
  /// The input.
  let input: MolecularGraph

  /// The seeds of `input`, each kind's visiting order drawn from `rng`.
  init(of input: MolecularGraph, using rng: inout RandomGenerator) {
    let n = input.nodeClasses.count
    let isValid = { (graph: MolecularGraph) in MoleculeData.encoding.decode(graph).validity.isValid }
    let removals = n > 2 ? input.terminalAtoms.map { input.removingAtom($0) }.filter { isValid($0.graph) } : []
    let carbon = MoleculeData.encoding.atomClasses.firstIndex { $0.atomicNumber == 6 && $0.formalCharge == 0 }
    let additions = carbon.map { c in (0..<n).map { input.addingAtom(c, bondedTo: $0) }.filter(isValid) } ?? []
    self.removals = rng.permutation(removals.count).map { removals[$0] }
    sites = n > 1 ? rng.permutation(n) : []
    self.additions = rng.permutation(additions.count).map { additions[$0] }
    self.input = input
  }

  /// The seed of round `round` (nil: the whole input, in rounds 0 mod 4 and when a kind has no
  /// site). Shapes: input n atoms → n − 1, n or n + 1 atoms.
  func seed(forRound round: Int) -> RoundSeed? {
    let (n, visit) = (input.nodeClasses.count, round / 4)
    switch round % 4 {
    case 1:
      guard !removals.isEmpty else { return nil }
      let removal = removals[visit % removals.count]
      return RoundSeed(graph: removal.graph, matching: removal.matching, freeAtoms: nil)
    case 2:
      guard !sites.isEmpty else { return nil }
      let site = sites[visit % sites.count]
      return RoundSeed(graph: input, matching: Array(0..<n), freeAtoms: (0..<n).map { $0 == site }, changesFreeAtoms: true)
    case 3:
      guard !additions.isEmpty else { return nil }
      return RoundSeed(graph: additions[visit % additions.count], matching: Array(0..<n), freeAtoms: (0...n).map { $0 == n })
    default:
      return nil
    }
  }
}
