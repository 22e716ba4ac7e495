// Minimal-edit refinement of GDCE counterfactuals: undo every change the target does not need.
//
// GDCE keeps atom slots, so a counterfactual differs from its input by a list of edits: atom
// slots whose class changed and atom pairs whose bond class changed. Diffusion proposes edits in
// bulk, and some of them are not needed to reach the target (they only lower the similarity).
// Refinement searches the subsets of these edits, greedily, from both ends, and keeps the
// result most similar to the input (Tanimoto, Morgan r2 2048 bits):
//  * backward: starting from the candidate, repeatedly undo the edit (or a changed atom together
//    with its changed bonds) whose undoing leaves the molecule valid (valence, one fragment:
//    ValidityChecker), in target and most similar to the input, as long as the similarity does
//    not drop;
//  * forward: starting from the input, repeatedly apply the edit (or atom with its bonds) that
//    leaves a valid molecule closest to the target (ties: most similar), until it is in target;
//    then undo as in backward.
// Every accepted step removes (adds) at least one edit, so each direction ends after at most
// (number of edits) rounds. The result is never farther from the input than the candidate,
// still meets the target, is valid and differs from the input; a candidate that is invalid,
// outside the target or the input itself is returned unchanged (there is nothing to keep). This is the sparsity post-processing of
// counterfactual search (e.g. DiCE's "post-hoc sparsity enhancement"), here exact: every trial
// is decoded and recomputed, nothing is predicted, and only edits the model proposed are used.

import Chemistry

/// Undoes the edits of a slot-aligned counterfactual that its target does not need.
public enum MinimalEdits {
  /// The refined graph and how many undo steps were accepted.
  public struct Outcome: Sendable {
    /// The refined counterfactual (slot-aligned with the input).
    public var graph: MolecularGraph
    /// Accepted steps, undone plus applied edits (0: already minimal, or not valid and in target).
    public var steps: Int
    /// Every distinct trial the scorer gave a value (in trial order, one per canonical SMILES),
    /// the refined graph among them: molecules already paid for, which a budgeted search can
    /// rank as candidate answers at no further cost.
    public var scoredTrials: [(graph: MolecularGraph, smiles: String)] = []
  }

  /// Refines `candidate` towards `input` (same atom slots) under `target`, the property scored
  /// by `scorer` (each round's trials in one batch; once its budget is spent, trials it cannot
  /// score count as outside the target and refinement stops where it is). Shapes: both graphs
  /// have the same atom count (a precondition; GDCE keeps slots).
  /// With `realism`, no step may make the molecule less realistic (Realism.swift): a trial with
  /// more alerts and failed MOSES filters than the candidate is not taken. Guards in `keeps` count as part
  /// of the target (built-in properties, computed on each trial).
  /// `original` is the molecule every trial must differ from, when it is not `input` (GDCE
  /// drawn from the input with an atom added or removed refines towards that seed, and the seed
  /// itself is an answer).
  public static func refined(
    _ candidate: MolecularGraph, input: MolecularGraph, inputFingerprint: Fingerprint, target: PropertyTarget, scorer: PropertyScorer,
    realism: Bool = false, keeps: [PropertyTarget] = [], original: MolecularGraph? = nil
  ) throws(OracleError) -> Outcome {
    let excluded = original ?? input
    precondition(candidate.nodeClasses.count == input.nodeClasses.count,
                 "MinimalEdits: candidate has \(candidate.nodeClasses.count) atoms, input \(input.nodeClasses.count); refinement needs aligned slots")
    /// A decoded trial: molecule, SMILES and similarity, or nil when it is invalid or the input
    /// (a counterfactual must differ from its input: the input itself never scores, so an input
    /// already in the target is never refined back to itself).
    struct Trial { var graph: MolecularGraph; var scored: ScoredMolecule; var similarity: Double }
    var alertLimit = Int.max
    var scoredTrials: [(graph: MolecularGraph, smiles: String)] = [], scoredSMILES = Set<String>()
    func trial(_ graph: MolecularGraph) -> Trial? {
      if graph.nodeClasses == excluded.nodeClasses && graph.adjacency == excluded.adjacency { return nil }
      let scored = ScoredMolecule(graph)
      guard scored.isValid, !realism || RealismReport(scored.molecule).problems <= alertLimit else { return nil }
      return Trial(graph: graph, scored: scored, similarity: Morgan.bits(scored.molecule).tanimoto(inputFingerprint))
    }
    /// The property of each trial (nil: not a trial, or not scored).
    /// Distance of each trial from the target and its guards (nil: not a trial, or not scored).
    func values(_ trials: [Trial?]) throws(OracleError) -> [Double?] {
      let present = trials.indices.filter { trials[$0] != nil }
      let scored = try scorer.values(present.map { trials[$0]!.scored })
      var result = [Double?](repeating: nil, count: trials.count)
      for (k, i) in present.enumerated() {
        guard let v = scored[k] else { continue }
        let molecule = trials[i]!.scored.molecule
        if !trials[i]!.scored.smiles.isEmpty, scoredSMILES.insert(trials[i]!.scored.smiles).inserted {
          scoredTrials.append((trials[i]!.graph, trials[i]!.scored.smiles))
        }
        result[i] = target.distance(to: v) + keeps.reduce(0) { $0 + $1.distance(to: $1.property.value(of: molecule)) }
      }
      return result
    }
    guard let first = trial(candidate), let d = try values([first])[0], d == 0 else {
      return Outcome(graph: candidate, steps: 0, scoredTrials: scoredTrials)
    }
    if realism { alertLimit = RealismReport(first.scored.molecule).problems }
    let start = first.similarity
    let n = input.nodeClasses.count
    let original = input.adjacency, proposed = candidate.adjacency
    var edits: [Edit] = []
    var changedPairs: [(Int, Int)] = []
    for i in 0..<n { for j in (i + 1)..<max(i + 1, n) where proposed[i][j] != original[i][j] { changedPairs.append((i, j)) } }
    for pair in changedPairs { edits.append(Edit(atoms: [], pairs: [pair])) }
    for a in 0..<n where candidate.nodeClasses[a] != input.nodeClasses[a] {
      edits.append(Edit(atoms: [a], pairs: []))
      let incident = changedPairs.filter { $0.0 == a || $0.1 == a }
      if !incident.isEmpty { edits.append(Edit(atoms: [a], pairs: incident)) }
    }
    /// The graph with `applied` edits of the candidate on the input.
    struct State { var classes: [Int]; var bonds: [[Int]] }
    func setting(_ state: State, _ edit: Edit, toCandidate: Bool) -> State {
      var next = state
      for a in edit.atoms { next.classes[a] = toCandidate ? candidate.nodeClasses[a] : input.nodeClasses[a] }
      for (i, j) in edit.pairs {
        let value = toCandidate ? proposed[i][j] : original[i][j]
        next.bonds[i][j] = value
        next.bonds[j][i] = value
      }
      return next
    }
    func isSet(_ state: State, _ edit: Edit, toCandidate: Bool) -> Bool {
      edit.atoms.allSatisfy { state.classes[$0] == (toCandidate ? candidate.nodeClasses[$0] : input.nodeClasses[$0]) }
        && edit.pairs.allSatisfy { state.bonds[$0.0][$0.1] == (toCandidate ? proposed[$0.0][$0.1] : original[$0.0][$0.1]) }
    }
    func graph(_ state: State) -> MolecularGraph { MolecularGraph(nodeClasses: state.classes, adjacency: state.bonds) }
    // Backward elimination from a state in target with similarity `similarity`: each round tries
    // every undo at once and takes the most similar that stays in target.
    func eliminate(_ state: State, similarity: Double) throws(OracleError) -> (State, Double, Int) {
      var (state, best, steps) = (state, similarity, 0)
      while true {
        let states = edits.filter { !isSet(state, $0, toCandidate: false) }.map { setting(state, $0, toCandidate: false) }
        // Only trials at least as similar as the current state can be chosen: score just those.
        let trials = states.map { s -> Trial? in trial(graph(s)).flatMap { $0.similarity >= best ? $0 : nil } }
        let scored = try values(trials)
        var chosen: (State, Double)? = nil
        for (k, t) in trials.enumerated() {
          guard let t, let d = scored[k], d == 0 else { continue }
          if chosen == nil || t.similarity > chosen!.1 { chosen = (states[k], t.similarity) }
        }
        guard let step = chosen else { return (state, best, steps) }
        (state, best) = step
        steps += 1
      }
    }
    let backward = try eliminate(State(classes: candidate.nodeClasses, bonds: proposed), similarity: start)
    // Forward selection from the input: nearest to the target first.
    var forward: (State, Double, Int)? = nil
    var state = State(classes: input.nodeClasses, bonds: original)
    var added = 0
    while true {
      let states = edits.filter { !isSet(state, $0, toCandidate: true) }.map { setting(state, $0, toCandidate: true) }
      let trials = states.map { trial(graph($0)) }
      let scored = try values(trials)
      var chosen: (State, Double, Double)? = nil  // state, distance to target, similarity
      for (k, t) in trials.enumerated() {
        guard let t, let distance = scored[k] else { continue }
        if chosen == nil || distance < chosen!.1 || (distance == chosen!.1 && t.similarity > chosen!.2) { chosen = (states[k], distance, t.similarity) }
      }
      guard let step = chosen else { break }
      state = step.0
      added += 1
      if step.1 == 0 {
        let (refined, similarity, undone) = try eliminate(state, similarity: step.2)
        forward = (refined, similarity, added + undone)
        break
      }
    }
    let best = forward.map { $0.1 > backward.1 ? $0 : backward } ?? backward
    return Outcome(graph: graph(best.0), steps: best.2, scoredTrials: scoredTrials)
  }

  /// One undoable unit: atom slots and atom pairs that change together.
  struct Edit {
    var atoms: [Int]
    var pairs: [(Int, Int)]
  }
}
