import Foundation
import Testing
import TestSupport
@testable import Tensor

func shapeGradientCases() -> [GradientCase] {
  var cases: [GradientCase] = []
  cases.append(
    GradientCase("reshape", [[2, 6]], f: { $0[0].reshaped([3, -1]) * $0[0].reshaped([3, 4]) }, reference: { v in v[0].map { $0 * $0 } }))
  cases.append(
    GradientCase("permute", [[2, 3, 4]], f: { $0[0].permuted([2, 0, 1]) }, reference: { Reference.permute($0[0], [2, 3, 4], [2, 0, 1]) }))
  cases.append(
    GradientCase("transpose last two", [[2, 3, 4]], f: { $0[0].transposed() }, reference: { Reference.permute($0[0], [2, 3, 4], [0, 2, 1]) }))
  cases.append(
    GradientCase("transpose(0, 2)", [[2, 3, 4]], f: { $0[0].transposed(0, 2) }, reference: { Reference.permute($0[0], [2, 3, 4], [2, 1, 0]) }))
  cases.append(
    GradientCase("broadcast", [[3, 1]], f: { $0[0].broadcast(to: [2, 3, 4]) }, reference: { Reference.broadcast($0[0], [3, 1], to: [2, 3, 4]) }))
  cases.append(
    GradientCase("expand/squeeze", [[3, 4]], f: { $0[0].expandingDims(at: 1).squeezingDim(at: 1).expandingDims(at: -1) * 2 },
                 reference: { $0[0].map { $0 * 2 } }))
  cases.append(
    GradientCase("concat axis 1", [[2, 1, 3], [2, 2, 3], [2, 0, 3]], f: { Tensor.concat($0, axis: 1) }, reference: concatAxis1Reference))
  cases.append(
    GradientCase("concat axis 0", [[1, 3], [2, 3]], f: { Tensor.concat($0, axis: 0) }, reference: { $0[0] + $0[1] }))
  cases.append(
    GradientCase("split", [[2, 5]], f: { x in
      let parts = x[0].split(sizes: [2, 0, 3], axis: 1)
      return Tensor.concat([parts[2], parts[0] * 3], axis: 1)
    }, reference: splitReference))
  cases.append(
    GradientCase("slice", [[3, 4, 2]], f: { $0[0].sliced([1..<3, 0..<4, 1..<2]) }, reference: { v in
      Reference.indices([2, 4, 1]).map { i in v[0][Reference.offset([i[0] + 1, i[1], i[2] + 1], [3, 4, 2])] }
    }))
  cases.append(
    GradientCase("narrowed", [[4, 3]], f: { $0[0].narrowed(axis: 0, start: 1, length: 2) }, reference: { Array($0[0][3..<9]) }))
  cases.append(
    GradientCase("indexSelect rows (repeats)", [[4, 3]], f: { $0[0].selectingRows([2, 0, 2, 3]) }, reference: { v in
      [2, 0, 2, 3].flatMap { Array(v[0][($0 * 3)..<($0 * 3 + 3)]) }
    }))
  cases.append(
    GradientCase("indexSelect axis 1", [[2, 4, 2]], f: { $0[0].indexSelect([3, 3, 1], axis: 1) }, reference: { v in
      Reference.indices([2, 3, 2]).map { i in v[0][Reference.offset([i[0], [3, 3, 1][i[1]], i[2]], [2, 4, 2])] }
    }))
  cases.append(
    GradientCase("gather axis 1", [[2, 3, 2]], f: { $0[0].gathered(alongAxis: 1, indices: gatherIndices, indexShape: [2, 4, 2]) },
                 reference: { v in
      Reference.indices([2, 4, 2]).enumerated().map { flat, i in v[0][Reference.offset([i[0], gatherIndices[flat], i[2]], [2, 3, 2])] }
    }))
  return cases
}
@Sendable func concatAxis1Reference(_ v: [[Double]]) -> [Double] {
  var out: [Double] = []
  for i in 0..<2 {
    out += v[0][(i * 3)..<(i * 3 + 3)]
    out += v[1][(i * 6)..<(i * 6 + 6)]
  }
  return out
}

@Sendable func splitReference(_ v: [[Double]]) -> [Double] {
  var out: [Double] = []
  for r in 0..<2 {
    out += v[0][(r * 5 + 2)..<(r * 5 + 5)]
    out += v[0][(r * 5)..<(r * 5 + 2)].map { $0 * 3 }
  }
  return out
}

let gatherIndices = [0, 2, 1, 1, 2, 2, 0, 1, 1, 0, 0, 0, 2, 1, 1, 2]

func reductionCases() -> [GradientCase] {
  let shape = [2, 3, 4]
  var cases: [GradientCase] = []
  for axes in [[0], [1], [2], [0, 2], [0, 1, 2]] {
    for keep in [false, true] {
      cases.append(GradientCase("sum \(axes) keep \(keep)", [shape], f: { $0[0].sum(axes: axes, keepingDims: keep) },
                                reference: { Reference.sum($0[0], shape, axes: axes) }))
      cases.append(GradientCase("mean \(axes) keep \(keep)", [shape], f: { $0[0].mean(axes: axes, keepingDims: keep) },
                                reference: { Reference.mean($0[0], shape, axes: axes) }))
      cases.append(GradientCase("variance \(axes) keep \(keep)", [shape], f: { $0[0].variance(axes: axes, keepingDims: keep) },
                                reference: { Reference.variance($0[0], shape, axes: axes) }))
    }
  }
  for axis in [0, 1, 2, -1] {
    let a = (axis + 3) % 3
    for keep in [false, true] {
      cases.append(GradientCase("max axis \(axis) keep \(keep)", [shape], f: { $0[0].max(axis: axis, keepingDims: keep) },
                                reference: { Reference.reduce($0[0], shape, axes: [a], initial: -.infinity, Swift.max) }))
      cases.append(GradientCase("min axis \(axis) keep \(keep)", [shape], f: { $0[0].min(axis: axis, keepingDims: keep) },
                                reference: { Reference.reduce($0[0], shape, axes: [a], initial: .infinity, Swift.min) }))
    }
  }
  cases.append(GradientCase("sum all", [shape], f: { $0[0].sum() }, reference: { [$0[0].reduce(0, +)] }))
  cases.append(GradientCase("max all", [shape], f: { $0[0].max() }, reference: { [$0[0].max()!] }))
  return cases
}

@Suite struct ShapeReductionGradientTests {
  @Test(arguments: shapeGradientCases()) func shapeOp(_ c: GradientCase) {
    let r = c.run()
    #expect(r.maxError < c.tolerance, "\(c.name): \(r)")
  }

  @Test(arguments: reductionCases()) func reduction(_ c: GradientCase) {
    let r = c.run()
    #expect(r.maxError < c.tolerance, "\(c.name): \(r)")
  }

  @Test func maxSplitsGradientBetweenTies() {
    let x = Tensor(shape: [1, 4], scalars: [1, 3, 3, 0])
    let g = grad(at: x) { $0.max(axis: 1).sum() }
    #expect(g.scalars == [0, 0.5, 0.5, 0])
  }

  @Test func concatSplitSliceValues() {
    let a = Tensor(shape: [2, 2], scalars: [1, 2, 3, 4]), b = Tensor(shape: [2, 1], scalars: [5, 6])
    let c = Tensor.concat([a, b], axis: 1)
    #expect(c.shape == [2, 3] && c.scalars == [1, 2, 5, 3, 4, 6])
    let parts = c.split(sizes: [1, 2], axis: -1)
    #expect(parts[0].scalars == [1, 3] && parts[1].scalars == [2, 5, 4, 6])
    #expect(c.sliced([1..<2, 1..<3]).scalars == [4, 6])
    #expect(c.sliced([0..<0, 0..<3]).shape == [0, 3])
  }

  @Test func oneHotAndPaddingRows() {
    let t = Tensor.oneHot([2, -1, 0], classes: 3)
    #expect(t.shape == [3, 3] && t.scalars == [0, 0, 1, 0, 0, 0, 1, 0, 0])
    #expect(Tensor.oneHot([1, 0, 1, 1], shape: [2, 2], classes: 2).shape == [2, 2, 2])
  }
}
