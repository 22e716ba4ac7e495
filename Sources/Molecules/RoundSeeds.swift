// What GDCE's budget rounds draw from besides the whole input. GDCE keeps atom slots, so seeds
// are how its answers can have an atom fewer or more than the input (removing a methyl or adding
// a fluorine is often the closest change), and one-site seeds let the model propose the single
// edits that noising the whole molecule rarely leaves alone.
//
// Rounds cycle through five kinds, a fifth of them each:
//  * 0 mod 5: the whole input noised to τ (plain GDCE);
//  * 1 mod 5: the input without one terminal atom, noised to τ;
//  * 2 mod 5: the input with one atom and every bond touching it redrawn, the rest kept
//    (`ClampedConstraint`), the atom ending as another element: the model's next choice for
//    that site given everything else, as a masked language model proposes a substitution;
//  * 3 mod 5: the input with a carbon added on a single bond, only the new atom redrawn (the
//    model decides what it becomes: C, N, O, a halogen, and whether it closes a ring);
//  * 4 mod 5: one atom of a near miss redrawn as another element: the search's most similar
//    scored molecule that moved the property towards the target without reaching it and that
//    no such round took before (realistic, under the realism guard), its sites in an order
//    of its own. Edits compose: a target two substitutions away (C=O → C=S and an ether O → C)
//    is reached from the near miss the first one made. The whole input when there is none.
// Each kind visits its sites (terminal atoms, atoms, anchors with a free valence) in a random
// order drawn once per run and then cycles through it again, so a budget covers every site
// before it repeats one: the model proposes, the budget decides how many sites it reaches.
// Every draw of a round takes the next site of its kind (continuing where the kind's last round
// stopped), so a round proposes as many edits as it draws instead of repeating the model's
// favourite at one site. A site visited again (a redrawn atom, an added atom's anchor) ends as
// an element not drawn there before, so repeated visits walk down the model's choices (O → N,
// then S, ...) rather than repeat them.

import Chemistry
import Tensor

/// The seed of one draw of a budget round that does not noise the whole input.
struct RoundSeed {
  /// The kinds of seed (see the file comment).
  enum Kind: Equatable { case removal, substitution, addition, composition }
  /// What this seed is.
  var kind: Kind
  /// The site it visits: the index of the removed terminal atom, of the redrawn atom or of the
  /// added atom's anchor in the input; the redrawn atom of a near miss in the near miss.
  var site: Int
  /// The seed molecule (the input, the input with an atom removed or added, or a near miss).
  var graph: MolecularGraph
  /// The slot of each input atom in `graph` (nil: removed). Shapes: input atom count.
  var matching: [Int?]
  /// The atoms the model redraws (nil: the whole seed is noised). Shapes: seed atom count.
  var freeAtoms: [Bool]?
  /// The atom classes each free atom must not end in (empty: any class). Shapes: seed atom
  /// count, or empty.
  var excludedClasses: [Set<Int>] = []
}

/// The seeds of one input's budget rounds (see the file comment).
struct RoundSeeds {
  /// The input without each terminal atom whose removal leaves a valid molecule, in visiting
  /// order, with the removed atom.
  let removals: [(graph: MolecularGraph, matching: [Int?], atom: Int)]
  /// Atom indices in visiting order.
  let sites: [Int]
  /// The input with a carbon on each atom that can take one, in visiting order, with the anchor.
  let additions: [(graph: MolecularGraph, anchor: Int)]
  /// The input.
  let input: MolecularGraph
  /// Draws of a full round: a round's draws continue its kind's visiting order where the kind's
  /// previous round stopped.
  let drawsPerRound: Int
  /// The atom classes drawn at each input atom so far, its own included: a substitution ends
  /// in none of them. Shapes: input atom count.
  private(set) var classesDrawn: [Set<Int>]
  /// The classes an atom added on each input atom ended in so far. Shapes: input atom count.
  private(set) var classesAdded: [Set<Int>]
  /// The near misses (canonical SMILES) composition rounds have drawn from.
  private(set) var nearMissesTaken: Set<String> = []

  /// The seeds of `input` for rounds of `drawsPerRound` draws, each kind's visiting order drawn
  /// from `rng`.
  init(of input: MolecularGraph, drawsPerRound: Int, using rng: inout RandomGenerator) {
    precondition(drawsPerRound >= 1, "RoundSeeds: \(drawsPerRound) draws per round")
    let n = input.nodeClasses.count
    let isValid = { (graph: MolecularGraph) in MoleculeData.encoding.decode(graph).validity.isValid }
    var removals: [(graph: MolecularGraph, matching: [Int?], atom: Int)] = []
    for atom in n > 2 ? input.terminalAtoms : [] {
      let removal = input.removingAtom(atom)
      if isValid(removal.graph) { removals.append((removal.graph, removal.matching, atom)) }
    }
    let carbon = MoleculeData.encoding.atomClasses.firstIndex { $0.atomicNumber == 6 && $0.formalCharge == 0 }
    let additions: [(graph: MolecularGraph, anchor: Int)] = carbon.map { c in (0..<n).map { (input.addingAtom(c, bondedTo: $0), $0) }.filter { isValid($0.0) } } ?? []
    self.removals = rng.permutation(removals.count).map { removals[$0] }
    sites = n > 1 ? rng.permutation(n) : []
    self.additions = rng.permutation(additions.count).map { additions[$0] }
    self.input = input
    self.drawsPerRound = drawsPerRound
    classesDrawn = input.nodeClasses.map { [$0] }
    classesAdded = Array(repeating: [], count: n)
  }

  /// Kinds of round in one cycle (see the file comment).
  static let kindCount = 5
  /// Whether round `round` redraws an atom of a near miss (`nearMissSeeds`).
  static func composes(round: Int) -> Bool { round % kindCount == 4 }

  /// The seeds of the `draws` draws of round `round`: the input's own kinds (`seeds`), or in a
  /// near-miss round the next near miss among `scored` (`nearMissSeeds`). Nil: the whole input.
  mutating func seeds<Scored: Sequence<MoleculeCounterfactual>>(
    forRound round: Int, draws: Int, scored: Scored, target: PropertyTarget, realism: Bool, using rng: inout RandomGenerator
  ) -> [RoundSeed]? {
    Self.composes(round: round) ? nearMissSeeds(among: scored, target: target, realism: realism, draws: draws, using: &rng) : seeds(forRound: round, draws: draws)
  }

  /// The seeds of the `draws` ≤ `drawsPerRound` draws of round `round`, one per draw (nil: the
  /// whole input, in rounds 0 mod 5, near-miss rounds and when a kind has no site). Shapes:
  /// input n atoms → draws seeds of n − 1, n or n + 1 atoms.
  func seeds(forRound round: Int, draws: Int) -> [RoundSeed]? {
    precondition((1...drawsPerRound).contains(draws), "RoundSeeds: \(draws) draws in a round of at most \(drawsPerRound)")
    let n = input.nodeClasses.count
    // Visit v of a kind covers its sites v·drawsPerRound ..< v·drawsPerRound + draws, cyclically.
    func visiting(_ count: Int) -> [Int] { (0..<draws).map { ((round / Self.kindCount) * drawsPerRound + $0) % count } }
    switch round % Self.kindCount {
    case 1:
      guard !removals.isEmpty else { return nil }
      return visiting(removals.count).map { k in
        RoundSeed(kind: .removal, site: removals[k].atom, graph: removals[k].graph, matching: removals[k].matching, freeAtoms: nil)
      }
    case 2:
      guard !sites.isEmpty else { return nil }
      return visiting(sites.count).map { k in
        let site = sites[k]
        return RoundSeed(
          kind: .substitution, site: site, graph: input, matching: Array(0..<n), freeAtoms: (0..<n).map { $0 == site },
          excludedClasses: (0..<n).map { $0 == site ? classesDrawn[site] : [] })
      }
    case 3:
      guard !additions.isEmpty else { return nil }
      return visiting(additions.count).map { k in
        let anchor = additions[k].anchor
        return RoundSeed(
          kind: .addition, site: anchor, graph: additions[k].graph, matching: Array(0..<n), freeAtoms: (0...n).map { $0 == n },
          excludedClasses: (0...n).map { $0 == n ? classesAdded[anchor] : [] })
      }
    default:
      return nil
    }
  }

  /// The seeds of `draws` draws that each redraw one atom of `nearMiss` (matched to the input
  /// by `matching`) as another element, at its atoms in an order drawn from `rng`, cycling when
  /// there are fewer atoms than draws. Shapes: near miss m atoms, matching input atom count →
  /// draws seeds of m atoms.
  static func compositionSeeds(of nearMiss: MolecularGraph, matching: [Int?], draws: Int, using rng: inout RandomGenerator) -> [RoundSeed] {
    let m = nearMiss.nodeClasses.count
    precondition(m >= 1 && draws >= 1, "RoundSeeds: \(draws) draws from a near miss of \(m) atoms")
    let order = rng.permutation(m)
    return (0..<draws).map { k in
      let site = order[k % m]
      return RoundSeed(
        kind: .composition, site: site, graph: nearMiss, matching: matching, freeAtoms: (0..<m).map { $0 == site },
        excludedClasses: (0..<m).map { $0 == site ? [nearMiss.nodeClasses[site]] : [] })
    }
  }

  /// The seeds of a near-miss round: `compositionSeeds` of the next near miss among `scored`
  /// (`nearMiss`, not taken before), which it takes. Nil when there is none.
  mutating func nearMissSeeds<Scored: Sequence<MoleculeCounterfactual>>(
    among scored: Scored, target: PropertyTarget, realism: Bool, draws: Int, using rng: inout RandomGenerator
  ) -> [RoundSeed]? {
    guard let nearMiss = Self.nearMiss(among: scored, target: target, realism: realism, taken: nearMissesTaken) else { return nil }
    nearMissesTaken.insert(nearMiss.row.counterfactualSMILES)
    return Self.compositionSeeds(of: nearMiss.graph, matching: nearMiss.inputMatching!, draws: draws, using: &rng)
  }

  /// The near miss a composition round draws from: of `candidates` (a search's scored
  /// molecules), the most similar to the input (earliest on ties) that is valid, passes the
  /// guards, is not the input, moved the property towards the target without meeting it, is
  /// realistic when `realism` holds, has a matching to the input and whose SMILES is not in
  /// `taken`. Nil when none is.
  static func nearMiss<Scored: Sequence<MoleculeCounterfactual>>(
    among candidates: Scored, target: PropertyTarget, realism: Bool, taken: Set<String>
  ) -> MoleculeCounterfactual? {
    var best: MoleculeCounterfactual? = nil
    for candidate in candidates {
      let row = candidate.row
      guard row.valid, !row.inTarget, (row.keepFailed ?? "").isEmpty, !row.isIdentity, candidate.inputMatching != nil,
        row.propertyAfter.isFinite, target.distance(to: row.propertyAfter) < target.distance(to: row.propertyBefore),
        !realism || !row.isUnrealistic, !taken.contains(row.counterfactualSMILES)
      else { continue }
      if row.tanimoto > best?.row.tanimoto ?? -1 { best = candidate }
    }
    return best
  }

  /// Notes the class each of `drawn` (a round's molecules, slot-aligned with their `seeds`)
  /// ended in at the atom its seed redrew (a substitution's site, an addition's new atom, the
  /// seed's last), for later visits of the site. Shapes: drawn and seeds [draws].
  mutating func record(_ drawn: [MolecularGraph], from seeds: [RoundSeed]) {
    precondition(drawn.count == seeds.count, "RoundSeeds: \(drawn.count) molecules drawn for \(seeds.count) seeds")
    for (graph, seed) in zip(drawn, seeds) {
      let classes = graph.nodeClasses, added = seed.graph.nodeClasses.count - 1
      switch seed.kind {
      case .substitution where classes.indices.contains(seed.site): classesDrawn[seed.site].insert(classes[seed.site])
      case .addition where classes.indices.contains(added): classesAdded[seed.site].insert(classes[added])
      default: break
      }
    }
  }
}
