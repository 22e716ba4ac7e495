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

  /// Rounds 0 mod 5 draw from the whole input; 1 mod 5 from the input without a terminal atom;
  /// 2 mod 5 redraw one atom of the input as another element; 3 mod 5 redraw only a carbon
  /// added to it; 4 mod 5 take a near miss (the engine's choice, `nearMissesCompose`). Every
  /// seed is valid, its matching sends the input's atoms to slots of the same class, and each
  /// kind visits every site once before it repeats one.
  @Test func roundSeedsCycleThroughTheirKinds() {
    let input = graph("CC(C)Cc1ccccc1O")
    let n = input.nodeClasses.count
    var rng = RandomGenerator(seed: 3)
    let seeds = RoundSeeds(of: input, drawsPerRound: 1, using: &rng)
    #expect(seeds.removals.count == 3 && seeds.sites.sorted() == Array(0..<n) && seeds.additions.count == 9)
    for round in [0, 4, 5, 9, 10] { #expect(seeds.seeds(forRound: round, draws: 1) == nil) }
    #expect((0..<10).filter(RoundSeeds.composes(round:)) == [4, 9])
    var visited: [Int: [Int]] = [:]
    for round in 1..<(5 * (n + 1)) where round % 5 != 0 && round % 5 != 4 {
      let drawSeeds = try! #require(seeds.seeds(forRound: round, draws: 1))
      #expect(drawSeeds.count == 1)
      let seed = drawSeeds[0]
      let size = [1: n - 1, 2: n, 3: n + 1][round % 5]!
      #expect(seed.graph.nodeClasses.count == size && isValid(seed.graph))
      #expect(seed.matching.count == n && seed.matching.filter { $0 == nil }.count == (round % 5 == 1 ? 1 : 0))
      for (i, slot) in seed.matching.enumerated() { if let slot { #expect(seed.graph.nodeClasses[slot] == input.nodeClasses[i]) } }
      if let gone = seed.matching.firstIndex(where: { $0 == nil }) { #expect(input.terminalAtoms.contains(gone) && gone == seed.site) }
      switch round % 5 {
      case 1: #expect(seed.kind == .removal && seed.freeAtoms == nil && seed.excludedClasses.isEmpty)
      case 2:
        #expect(seed.kind == .substitution && seed.graph == input && seed.freeAtoms == (0..<n).map { $0 == seed.site })
        #expect(seed.excludedClasses == (0..<n).map { $0 == seed.site ? [input.nodeClasses[seed.site]] : [] })
      default:
        #expect(seed.kind == .addition && seed.freeAtoms == (0...n).map { $0 == n })
        #expect(seed.graph.edges.contains(.init(begin: seed.site, end: n, bondClass: 1)) && seed.excludedClasses.allSatisfy(\.isEmpty))
      }
      let changes = MoleculeCounterfactualEngine.changes(from: MoleculeData.graph(input), to: MoleculeData.graph(seed.graph), matching: seed.matching)
      #expect(round % 5 == 2 ? changes == (0, 0) : changes == (1, 1))
      visited[round % 5, default: []].append(seed.site)
    }
    // Every site before a repeat: the first visits of each kind are distinct.
    #expect(Set(visited[1]!.prefix(3)).count == 3 && Set(visited[2]!.prefix(n)).count == n && Set(visited[3]!.prefix(9)).count == 9)
    #expect(visited[1]![3] == visited[1]![0])
    // Benzene has no terminal atom, tetrafluoromethane no atom with a free valence.
    var other = RandomGenerator(seed: 4)
    #expect(RoundSeeds(of: graph("c1ccccc1"), drawsPerRound: 1, using: &other).seeds(forRound: 1, draws: 1) == nil)
    #expect(RoundSeeds(of: graph("FC(F)(F)F"), drawsPerRound: 1, using: &other).seeds(forRound: 3, draws: 1) == nil)
  }

  /// Each draw of a round takes the next site of its kind, continuing where the kind's last
  /// round stopped (a short last round included), and a site visited again excludes every class
  /// drawn there before (a redrawn atom: its own class too; an added atom: nothing at first).
  @Test func roundsSpreadTheirDrawsOverSites() {
    let input = graph("CC(C)Cc1ccccc1O")
    let n = input.nodeClasses.count  // 11 atoms, rounds of 4 draws
    var rng = RandomGenerator(seed: 5)
    var seeds = RoundSeeds(of: input, drawsPerRound: 4, using: &rng)
    let first = try! #require(seeds.seeds(forRound: 2, draws: 4))
    #expect(first.map(\.site) == Array(seeds.sites.prefix(4)))
    // The second substitution round goes on with sites 4..<7 (a short round of three draws).
    #expect(seeds.seeds(forRound: 7, draws: 3)?.map(\.site) == Array(seeds.sites[4..<7]))
    #expect(seeds.seeds(forRound: 1, draws: 4)?.map(\.site) == [0, 1, 2, 0].map { seeds.removals[$0].atom })
    #expect(seeds.seeds(forRound: 8, draws: 4)?.map(\.site) == (4..<8).map { seeds.additions[$0].anchor })
    // Draws that ended as N (class 1) at the first round's first site: visited again (the third
    // pass over the 11 sites reaches it at round 2 + 5·2), that site excludes N too.
    let site = first[0].site
    var drawn = input
    drawn.nodeClasses[site] = 1
    seeds.record(Array(repeating: drawn, count: 4), from: first)
    #expect(seeds.classesDrawn[site] == [input.nodeClasses[site], 1])
    let later = try! #require(seeds.seeds(forRound: 12, draws: 4)?.first { $0.site == site })
    #expect(later.excludedClasses[site] == [input.nodeClasses[site], 1])
    // An added atom that ended as O (class 2): that anchor's next addition excludes O.
    let additions = try! #require(seeds.seeds(forRound: 3, draws: 4))
    var grown = additions[0].graph
    grown.nodeClasses[n] = 2
    seeds.record([grown, additions[1].graph, additions[2].graph, additions[3].graph], from: additions)
    #expect(seeds.classesAdded[additions[0].site] == [2] && seeds.classesAdded[additions[1].site] == [0])
    let again = try! #require(seeds.seeds(forRound: 3 + 5 * 9, draws: 4)?.first { $0.site == additions[0].site })
    #expect(again.excludedClasses[n] == [2])
    // Removals record nothing.
    let removal = try! #require(seeds.seeds(forRound: 1, draws: 4))
    let before = (seeds.classesDrawn, seeds.classesAdded)
    seeds.record(removal.map(\.graph), from: removal)
    #expect(seeds.classesDrawn == before.0 && seeds.classesAdded == before.1)
  }

  /// A near-miss round takes the most similar scored molecule that moved the property towards
  /// the target without reaching it (valid, realistic under the guard, matched to the input,
  /// not taken before), and redraws one of its atoms per draw as another element.
  @Test func nearMissesCompose() {
    let input = graph("CCO")
    func candidate(_ smiles: String, after: Double, tanimoto: Double, valid: Bool = true, alerts: String? = nil, matched: Bool = true) -> MoleculeCounterfactual {
      let target = PropertyTarget.drugLikeLogP
      var row = MoleculeCounterfactualRow(
        inputId: 0, inputName: "x", method: .gdce, tau: 10, guidanceScale: 1, seed: 0, constrained: true, steering: 0, particles: 1,
        originalSMILES: "CCO", counterfactualSMILES: smiles, valid: valid, validity: valid ? "ok" : "bad", target: target.description,
        propertyBefore: 0, propertyAfter: after, inTarget: target.contains(after), tanimoto: tanimoto, fingerprint: "f",
        atomsChanged: 1, bondsChanged: 0, modelChecksum: "")
      row.alerts = alerts
      return MoleculeCounterfactual(row: row, graph: graph(smiles), inputMatching: matched ? [0, 1, 2] : nil)
    }
    var rng0 = RandomGenerator(seed: 1)
    let candidates = [
      candidate("CCS", after: 1.0, tanimoto: 0.5),                  // a near miss (0.7 below the window, input 1.7)
      candidate("CCN", after: -0.5, tanimoto: 0.9),                 // moved away from the window
      candidate("CCCl", after: 2.0, tanimoto: 0.95),                // in the window: an answer
      candidate("CC=O", after: 1.2, tanimoto: 0.8, alerts: "enol"),  // unrealistic
      candidate("CCF", after: 0.5, tanimoto: 0.6, valid: false),
      candidate("COC", after: 1.1, tanimoto: 0.55, matched: false),
      candidate("CCBr", after: 0.8, tanimoto: 0.7),                 // the nearest near miss
    ]
    let pick = { (realism: Bool, taken: Set<String>) in RoundSeeds.nearMiss(among: candidates, target: .drugLikeLogP, realism: realism, taken: taken)?.row.counterfactualSMILES }
    #expect(pick(true, []) == "CCBr")
    #expect(pick(false, []) == "CC=O")
    #expect(pick(true, ["CCBr"]) == "CCS" && pick(true, ["CCBr", "CCS"]) == nil)
    // Near-miss rounds take each near miss once, then draw from the whole input (nil).
    var rounds = RoundSeeds(of: input, drawsPerRound: 2, using: &rng0)
    let taken = (0..<3).map { _ in rounds.seeds(forRound: 4, draws: 2, scored: candidates, target: .drugLikeLogP, realism: true, using: &rng0)?.first?.graph }
    #expect(taken == [graph("CCBr"), graph("CCS"), nil] && rounds.nearMissesTaken == ["CCBr", "CCS"])
    // Each draw redraws one atom of the near miss (three atoms, four draws: the order cycles).
    let nearMiss = graph("CCBr")
    var rng = RandomGenerator(seed: 2)
    let seeds = RoundSeeds.compositionSeeds(of: nearMiss, matching: [0, 1, 2], draws: 4, using: &rng)
    #expect(seeds.count == 4 && Set(seeds.prefix(3).map(\.site)) == [0, 1, 2] && seeds[3].site == seeds[0].site)
    for seed in seeds {
      #expect(seed.kind == .composition && seed.graph == nearMiss && seed.matching == [0, 1, 2])
      #expect(seed.freeAtoms == (0..<3).map { $0 == seed.site } && seed.excludedClasses == (0..<3).map { $0 == seed.site ? [nearMiss.nodeClasses[seed.site]] : [] })
    }
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
