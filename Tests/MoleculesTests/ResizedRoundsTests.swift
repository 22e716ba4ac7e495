import Chemistry
import Graphs
import Tensor
import Testing
@testable import Molecules

/// Budget rounds that draw from the input with one atom removed or added: the seeds, the
/// change counts across a matching, and refinement towards a seed (values: RDKit MolLogP and
/// Morgan r2 2048-bit Tanimoto of the same molecules).
@Suite struct ResizedRoundsTests {
  func graph(_ smiles: String) -> MolecularGraph { MoleculeData.parse([("x", smiles)]).entries[0].graph }
  func isValid(_ graph: MolecularGraph) -> Bool { MoleculeData.encoding.decode(graph).validity.isValid }

  @Test func removingAndAddingAtomsKeepTheRest() {
    let propanol = graph("CCCO")
    #expect(propanol.terminalAtoms == [0, 3])
    let (removed, matching) = propanol.removingAtom(0)
    #expect(removed.nodeClasses == Array(propanol.nodeClasses.dropFirst()) && matching == [nil, 0, 1, 2])
    #expect(removed.edges.map { [$0.begin, $0.end] } == [[0, 1], [1, 2]])
    let added = propanol.addingAtom(3, bondedTo: 1)  // F on the middle carbon
    #expect(added.nodeClasses == propanol.nodeClasses + [3] && added.edges.count == 4)
    #expect(added.edges.contains(.init(begin: 1, end: 4, bondClass: 1)))
    #expect(added.edges == added.edges.sorted { ($0.begin, $0.end) < ($1.begin, $1.end) })
  }

  /// Rounds 0 mod 4 draw from the whole input; 1 mod 4 from the input without a terminal atom;
  /// 2 mod 4 redraw one atom of the input as another element; 3 mod 4 redraw only a carbon
  /// added to it. Every seed is valid, its matching sends the input's atoms to slots of the same
  /// class, and each kind visits every site once before it repeats one.
  @Test func roundSeedsCycleThroughFourKinds() {
    let input = graph("CC(C)Cc1ccccc1O")
    let n = input.nodeClasses.count
    var rng = RandomGenerator(seed: 3)
    let seeds = RoundSeeds(of: input, using: &rng)
    #expect(seeds.removals.count == 3 && seeds.sites.sorted() == Array(0..<n) && seeds.additions.count == 9)
    for round in [0, 4, 8] { #expect(seeds.seed(forRound: round) == nil) }
    var visited: [Int: [MolecularGraph]] = [:]
    for round in 1..<(4 * (n + 1)) where round % 4 != 0 {
      let seed = try! #require(seeds.seed(forRound: round))
      let size = [1: n - 1, 2: n, 3: n + 1][round % 4]!
      #expect(seed.graph.nodeClasses.count == size && isValid(seed.graph))
      #expect(seed.matching.count == n && seed.matching.filter { $0 == nil }.count == (round % 4 == 1 ? 1 : 0))
      for (i, slot) in seed.matching.enumerated() { if let slot { #expect(seed.graph.nodeClasses[slot] == input.nodeClasses[i]) } }
      if let gone = seed.matching.firstIndex(of: nil) { #expect(input.terminalAtoms.contains(gone)) }
      switch round % 4 {
      case 1: #expect(seed.freeAtoms == nil && !seed.changesFreeAtoms)
      case 2: #expect(seed.graph == input && seed.freeAtoms?.count == n && seed.freeAtoms?.filter { $0 }.count == 1 && seed.changesFreeAtoms)
      default: #expect(seed.freeAtoms == (0...n).map { $0 == n } && !seed.changesFreeAtoms)
      }
      let changes = MoleculeCounterfactualEngine.changes(from: MoleculeData.graph(input), to: MoleculeData.graph(seed.graph), matching: seed.matching)
      #expect(round % 4 == 2 ? changes == (0, 0) : changes == (1, 1))
      let key = round % 4 == 2 ? [MolecularGraph(nodeClasses: seed.freeAtoms!.map { $0 ? 1 : 0 }, edges: [])] : [seed.graph]
      visited[round % 4, default: []] += key
    }
    // Every site before a repeat: the first visits of each kind are distinct.
    #expect(Set(visited[1]!.prefix(3)).count == 3 && Set(visited[2]!.prefix(n)).count == n && Set(visited[3]!.prefix(9)).count == 9)
    #expect(visited[1]![3] == visited[1]![0])
    // Benzene has no terminal atom, tetrafluoromethane no atom with a free valence.
    var other = RandomGenerator(seed: 4)
    #expect(RoundSeeds(of: graph("c1ccccc1"), using: &other).seed(forRound: 1) == nil)
    #expect(RoundSeeds(of: graph("FC(F)(F)F"), using: &other).seed(forRound: 3) == nil)
  }

  /// Changes across a matching: a removed or added atom counts with its bonds, a class change
  /// of a matched atom counts once.
  @Test func changesAcrossAMatching() {
    let ethanol = MoleculeData.graph(graph("CCO"))
    // Without atom 0: "CO" (methanol) in slots 0, 1.
    #expect(MoleculeCounterfactualEngine.changes(from: ethanol, to: MoleculeData.graph(graph("CO")), matching: [nil, 0, 1]) == (1, 1))
    // The same atoms plus F on atom 1, and then O → N as well.
    let fluoro = graph("CCO").addingAtom(3, bondedTo: 1)
    #expect(MoleculeCounterfactualEngine.changes(from: ethanol, to: MoleculeData.graph(fluoro), matching: [0, 1, 2]) == (1, 1))
    var amine = fluoro
    amine.nodeClasses[2] = 1
    #expect(MoleculeCounterfactualEngine.changes(from: ethanol, to: MoleculeData.graph(amine), matching: [0, 1, 2]) == (2, 1))
    // The identity matching counts as the slot-by-slot comparison.
    let propane = MoleculeData.graph(graph("CCC"))
    #expect(MoleculeCounterfactualEngine.changes(from: ethanol, to: propane) == MoleculeCounterfactualEngine.changes(from: ethanol, to: propane, matching: [0, 1, 2]))
    #expect(MoleculeCounterfactualEngine.changes(from: ethanol, to: propane) == (1, 0))
  }

  /// Refined towards a seed, a candidate may come back to the seed itself: decane (logP 4.15)
  /// without a terminal carbon is nonane (3.76, in the window, Tanimoto 1.0 to decane); a
  /// candidate drawn from nonane with an O in the chain (2.60, Tanimoto 0.43) refines to nonane.
  /// Refined with the seed as the molecule to differ from, it could not.
  @Test func refinementTowardsASeedMayReturnTheSeed() throws {
    let decane = graph("CCCCCCCCCC")
    let seed = decane.removingAtom(9).graph
    var candidate = seed
    candidate.nodeClasses[4] = 2  // O
    let fingerprint = Morgan.bits(MoleculeData.encoding.decode(decane))
    let towardsSeed = try MinimalEdits.refined(
      candidate, input: seed, inputFingerprint: fingerprint, target: .drugLikeLogP, scorer: PropertyScorer(.builtin(.logp)), original: decane)
    #expect(towardsSeed.graph == seed && towardsSeed.steps == 1)
    let seedExcluded = try MinimalEdits.refined(candidate, input: seed, inputFingerprint: fingerprint, target: .drugLikeLogP, scorer: PropertyScorer(.builtin(.logp)))
    #expect(seedExcluded.graph == candidate && seedExcluded.steps == 0)
  }
}
