// A self-check of every native library cfx uses: each is called once for real.

import Chemistry
import Graphs
import Images
import Rendering
import Tensor

/// The outcome of calling each native library once.
public struct NativeLibraryReport: Sendable {
  /// One line per library: name, whether it works, and what was seen.
  public struct Line: Sendable {
    /// Library name.
    public var library: String
    /// Whether the call succeeded with the expected result.
    public var passed: Bool
    /// What was observed, or how to fix it.
    public var detail: String
  }

  /// The checks in order.
  public var lines: [Line]
  /// Advice that is not a failure (e.g. a slow BLAS kernel choice).
  public var notes: [String] = []

  /// Whether every library works.
  public var allPassed: Bool { lines.allSatisfy(\.passed) }

  /// A table for the terminal.
  public var text: String {
    (lines.map { "\($0.passed ? "ok  " : "FAIL") \($0.library.padding(toLength: 10, withPad: " ", startingAt: 0)) \($0.detail)" }
      + notes.map { "note \($0)" }).joined(separator: "\n")
  }

  /// Calls OpenBLAS, Open Babel, Graphviz, nauty, planarity and libpng once each.
  public static func run() -> NativeLibraryReport {
    var lines: [Line] = []
    // OpenBLAS: one sgemm against the naive reference.
    let a = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
    let b = Tensor(shape: [3, 2], scalars: [7, 8, 9, 10, 11, 12])
    let c = Tensor.matmul(a, b)
    let arithmetic = ArithmeticProvenance.current
    lines.append(Line(
      library: "OpenBLAS", passed: c.scalars == [58, 64, 139, 154],
      detail: "sgemm [2,3]·[3,2] = \(c.scalars); core \(arithmetic.blasCore); kernels \(arithmetic.kernelDispatch)"))
    // Open Babel: parse a SMILES and read its atoms.
    do {
      let mol = try OpenBabel.parseSMILES("c1ccccc1O")
      let ok = mol.atoms.count == 7 && mol.canonicalSMILES == "Oc1ccccc1"
      lines.append(Line(
        library: "OpenBabel", passed: ok,
        detail: "phenol: \(mol.atoms.count) atoms, canonical \(mol.canonicalSMILES); version \(OpenBabel.version)"))
    } catch {
      lines.append(Line(library: "OpenBabel", passed: false, detail: "\(error) (apt-get install libopenbabel-dev openbabel)"))
    }
    // Graphviz: render a small graph to SVG.
    do {
      let svg = try Graphviz.render(dot: "graph g { a -- b; b -- c; c -- a }", engine: .neato)
      lines.append(Line(
        library: "Graphviz", passed: svg.contains("<svg"), detail: "neato triangle → \(svg.utf8.count) bytes of SVG"))
    } catch {
      lines.append(Line(library: "Graphviz", passed: false, detail: "\(error) (apt-get install libgraphviz-dev graphviz)"))
    }
    // nauty: two labelings of a path get the same canonical form.
    let p1 = Nauty.canonicalLabeling(vertexCount: 4, edges: [(0, 1), (1, 2), (2, 3)])
    let p2 = Nauty.canonicalLabeling(vertexCount: 4, edges: [(2, 0), (0, 3), (3, 1)])
    lines.append(Line(
      library: "nauty", passed: p1.canonicalEdges == p2.canonicalEdges && p1.automorphismGroupSize == 2,
      detail: "path P4 canonical form equal under relabelling, |Aut| = \(p1.automorphismGroupSize)"))
    // planarity: K5 and K3,3 are not planar; the cube is.
    let k5 = (0..<5).flatMap { u in (u + 1..<5).map { (u, $0) } }
    let k33 = (0..<3).flatMap { u in (3..<6).map { (u, $0) } }
    let cube = [(0, 1), (1, 2), (2, 3), (3, 0), (4, 5), (5, 6), (6, 7), (7, 4), (0, 4), (1, 5), (2, 6), (3, 7)]
    let planarOK = !Planarity.isPlanar(vertexCount: 5, edges: k5) && !Planarity.isPlanar(vertexCount: 6, edges: k33)
      && Planarity.isPlanar(vertexCount: 8, edges: cube)
    lines.append(Line(library: "planarity", passed: planarOK, detail: "K5 no, K3,3 no, cube yes"))
    // libpng: a 2 × 2 RGBA image survives encoding and decoding.
    do {
      let image = Image(channels: 4, height: 2, width: 2, values: (0..<16).map { Float($0 * 17) / 255 })
      let bytes = try PNG.encode(image)
      let passed = try PNG.decode(bytes, source: "doctor") == image
      lines.append(Line(library: "libpng", passed: passed, detail: "\(PNG.libraryVersion): 2 × 2 RGBA round trip through \(bytes.count) bytes"))
    } catch {
      lines.append(Line(library: "libpng", passed: false, detail: "\(error) (apt-get install libpng-dev)"))
    }
    return NativeLibraryReport(lines: lines, notes: blasAdvice(arithmetic).map { [$0] } ?? [])
  }

  /// Advice when OpenBLAS fell back to kernels older than the CPU: it does not know every new CPU
  /// model (Debian's 0.3.21 picks its SSE3 "Prescott" kernels on some AVX-512 Xeons), which halves
  /// matrix-product speed. nil when the choice fits the CPU.
  public static func blasAdvice(_ arithmetic: ArithmeticProvenance) -> String? {
    let old = ["Prescott", "Core2", "Penryn", "Dunnington", "Nehalem", "Atom", "Katmai", "Coppermine", "Northwood", "Banias"]
    guard arithmetic.openblasCoretype == "unset", old.contains(arithmetic.blasCore),
      arithmetic.kernelDispatch == "x86-64-v3" || arithmetic.kernelDispatch == "x86-64-v4"
    else { return nil }
    let better = arithmetic.kernelDispatch == "x86-64-v4" ? "SkylakeX" : "Haswell"
    return "OpenBLAS chose its \(arithmetic.blasCore) kernels, older than this CPU (cfx's own kernels run \(arithmetic.kernelDispatch)); "
      + "OPENBLAS_CORETYPE=\(better) makes matrix products about twice as fast here (compare `cfx bench tensor` with and without it). "
      + "Results then differ in rounding, within the agreement the README states; every output records the core type."
  }
}
