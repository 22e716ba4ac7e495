// Ring perception: the smallest set of smallest rings (SSSR), the ring basis RDKit uses for ring
// membership and aromaticity.
//
// Method: the cycle space of a graph has dimension bonds − atoms + components. Candidate cycles
// are, for each ring bond (u, v), a shortest u–v path avoiding that bond plus the bond itself;
// when those do not span the cycle space (rare, e.g. some cages) Horton's candidates (for each
// root r and bond (x, y): path(r, x) + (x, y) + path(y, r)) are added. Candidates are sorted by
// length and kept greedily when linearly independent over GF(2) (Gaussian elimination on bond
// bit sets), which yields a minimum cycle basis whenever the candidates contain one.
// Like RDKit's `symmetrizeSSSR`, the result then gains the "symmetric" rings: shortest-cycle
// candidates left out of the basis that are no larger than its largest ring (the fourth face of
// adamantane, the third bridge ring of bicyclo[2.2.2]octane). Each was rejected only because it is a
// sum of basis rings no larger than itself, so no choice among equals decides the ring count.

import Basics

/// Ring perception on a molecular graph.
public enum RingPerception {
  /// The SSSR as atom index sets and bond index sets (sorted ascending within each ring, rings
  /// ordered by size then by atoms).
  public static func smallestSetOfSmallestRings(
    atomCount: Int, bonds: [Bond], neighbors: [[Neighbor]]
  ) -> (atoms: [[Int]], bonds: [[Int]]) {
    let components = componentCount(atomCount: atomCount, neighbors: neighbors)
    let needed = bonds.count - atomCount + components
    guard needed > 0 else { return ([], []) }
    let ringBond = ringBondFlags(atomCount: atomCount, bonds: bonds, neighbors: neighbors)
    var candidates: [[Int]] = []
    var seen = Set<[Int]>()
    var scratch = PathScratch(atomCount: atomCount)
    for (index, bond) in bonds.enumerated() where ringBond[index] {
      for path in shortestPaths(
        from: bond.begin, to: bond.end, avoiding: index, ringBond: ringBond, neighbors: neighbors, limit: 8,
        scratch: &scratch)
      {
        let cycle = (path + [index]).sorted()
        if seen.insert(cycle).inserted { candidates.append(cycle) }
      }
    }
    let shortestCycles = candidates
    var basis = greedyBasis(candidates, bondCount: bonds.count, needed: needed)
    if basis.count < needed {
      for cycle in hortonCandidates(
        atomCount: atomCount, bonds: bonds, ringBond: ringBond, neighbors: neighbors)
      where seen.insert(cycle).inserted {
        candidates.append(cycle)
      }
      basis = greedyBasis(candidates, bondCount: bonds.count, needed: needed)
    }
    let largest = basis.map(\.count).max() ?? 0
    let chosen = Set(basis)
    basis += shortestCycles.filter { $0.count <= largest && !chosen.contains($0) }
      .sorted { $0.count != $1.count ? $0.count < $1.count : $0.lexicographicallyPrecedes($1) }
    var ringAtoms: [[Int]] = []
    for cycle in basis {
      var atoms = Set<Int>()
      for b in cycle {
        atoms.insert(bonds[b].begin)
        atoms.insert(bonds[b].end)
      }
      ringAtoms.append(atoms.sorted())
    }
    let order = ringAtoms.indices.sorted {
      ringAtoms[$0].count != ringAtoms[$1].count
        ? ringAtoms[$0].count < ringAtoms[$1].count : ringAtoms[$0].lexicographicallyPrecedes(ringAtoms[$1])
    }
    return (order.map { ringAtoms[$0] }, order.map { basis[$0] })
  }

  /// Number of connected components.
  static func componentCount(atomCount: Int, neighbors: [[Neighbor]]) -> Int {
    ConnectedComponents.count(labels: ConnectedComponents.labels(nodeCount: atomCount, neighbors: { a, visit in
      for n in neighbors[a] { visit(n.atom) }
    }))
  }

  /// Flags bonds that lie on a cycle (non-bridges), by Tarjan's low-link on an iterative DFS.
  static func ringBondFlags(atomCount: Int, bonds: [Bond], neighbors: [[Neighbor]]) -> [Bool] {
    var discovery = [Int](repeating: -1, count: atomCount)
    var low = [Int](repeating: 0, count: atomCount)
    var isBridge = [Bool](repeating: false, count: bonds.count)
    var time = 0
    for root in 0..<atomCount where discovery[root] < 0 {
      // Stack frames: (atom, bond used to enter, next neighbour position).
      var stack: [(atom: Int, viaBond: Int, next: Int)] = [(root, -1, 0)]
      discovery[root] = time
      low[root] = time
      time += 1
      while !stack.isEmpty {
        let top = stack.count - 1
        let (atom, via, next) = stack[top]
        if next < neighbors[atom].count {
          stack[top].next += 1
          let n = neighbors[atom][next]
          if n.bond == via { continue }
          if discovery[n.atom] < 0 {
            discovery[n.atom] = time
            low[n.atom] = time
            time += 1
            stack.append((n.atom, n.bond, 0))
          } else {
            low[atom] = min(low[atom], discovery[n.atom])
          }
        } else {
          stack.removeLast()
          if let parent = stack.last {
            low[parent.atom] = min(low[parent.atom], low[atom])
            if low[atom] > discovery[parent.atom] { isBridge[via] = true }
          }
        }
      }
    }
    return isBridge.map { !$0 }
  }

  /// Reusable buffers for `shortestPaths` (one allocation per molecule, not per ring bond).
  struct PathScratch {
    var distance: [Int]
    var queue: [Int] = []
    var path: [Int] = []

    init(atomCount: Int) { distance = [Int](repeating: -1, count: atomCount) }
  }

  /// Bond lists of up to `limit` shortest paths between two atoms over ring bonds, not using
  /// bond `avoiding` (all ties, so symmetric rings are candidates too).
  static func shortestPaths(
    from source: Int, to target: Int, avoiding: Int, ringBond: [Bool], neighbors: [[Neighbor]], limit: Int,
    scratch: inout PathScratch
  ) -> [[Int]] {
    scratch.queue.removeAll(keepingCapacity: true)
    scratch.queue.append(source)
    scratch.distance[source] = 0
    var head = 0
    while head < scratch.queue.count {
      let a = scratch.queue[head]
      head += 1
      if a == target { break }
      for n in neighbors[a] where n.bond != avoiding && ringBond[n.bond] && scratch.distance[n.atom] < 0 {
        scratch.distance[n.atom] = scratch.distance[a] + 1
        scratch.queue.append(n.atom)
      }
    }
    var paths: [[Int]] = []
    if scratch.distance[target] > 0 {
      // Walk back from the target along strictly decreasing distances.
      scratch.path.removeAll(keepingCapacity: true)
      collectPaths(
        at: target, source: source, avoiding: avoiding, ringBond: ringBond, neighbors: neighbors,
        limit: limit, scratch: &scratch, into: &paths)
    }
    for a in scratch.queue { scratch.distance[a] = -1 }
    return paths
  }

  private static func collectPaths(
    at atom: Int, source: Int, avoiding: Int, ringBond: [Bool], neighbors: [[Neighbor]], limit: Int,
    scratch: inout PathScratch, into paths: inout [[Int]]
  ) {
    if atom == source {
      paths.append(scratch.path)
      return
    }
    let next = scratch.distance[atom] - 1
    for n in neighbors[atom] where paths.count < limit && n.bond != avoiding && ringBond[n.bond]
      && scratch.distance[n.atom] == next && (next > 0 || n.atom == source)
    {
      scratch.path.append(n.bond)
      collectPaths(at: n.atom, source: source, avoiding: avoiding, ringBond: ringBond, neighbors: neighbors,
                   limit: limit, scratch: &scratch, into: &paths)
      scratch.path.removeLast()
    }
  }

  /// Horton's candidate cycles over the ring bonds.
  static func hortonCandidates(
    atomCount: Int, bonds: [Bond], ringBond: [Bool], neighbors: [[Neighbor]]
  ) -> [[Int]] {
    var result: [[Int]] = []
    for root in 0..<atomCount where neighbors[root].contains(where: { ringBond[$0.bond] }) {
      // BFS tree from root: parent bond per atom.
      var viaBond = [Int](repeating: -2, count: atomCount)
      viaBond[root] = -1
      var queue = [root], head = 0
      while head < queue.count {
        let a = queue[head]
        head += 1
        for n in neighbors[a] where ringBond[n.bond] && viaBond[n.atom] == -2 {
          viaBond[n.atom] = n.bond
          queue.append(n.atom)
        }
      }
      func pathToRoot(_ start: Int) -> [Int] {
        var path: [Int] = []
        var a = start
        while a != root {
          let b = viaBond[a]
          path.append(b)
          a = bonds[b].other(a)
        }
        return path
      }
      for (index, bond) in bonds.enumerated() where ringBond[index] {
        guard viaBond[bond.begin] != -2, viaBond[bond.end] != -2,
          viaBond[bond.begin] != index, viaBond[bond.end] != index
        else { continue }
        let left = pathToRoot(bond.begin), right = pathToRoot(bond.end)
        guard Set(left).isDisjoint(with: right) else { continue }
        result.append((left + right + [index]).sorted())
      }
    }
    return result
  }

  /// Shortest-first greedy selection of GF(2)-independent cycles (bond index lists).
  static func greedyBasis(_ candidates: [[Int]], bondCount: Int, needed: Int) -> [[Int]] {
    let sorted = candidates.sorted {
      $0.count != $1.count ? $0.count < $1.count : $0.lexicographicallyPrecedes($1)
    }
    return CycleSpace.greedyIndependent(sorted, edgeCount: bondCount, limit: needed).map { sorted[$0] }
  }

}
