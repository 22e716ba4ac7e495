// Reference matrix multiplication (triple loop in Double) for tests and as a readable definition.

extension Tensor {
  /// Naive reference of `matmul` for 2-D operands, accumulated in Double. Shapes: [m,k]·[k,n].
  public static func naiveMatmul(_ a: Tensor, _ b: Tensor) -> Tensor {
    precondition(a.rank == 2 && b.rank == 2 && a.shape[1] == b.shape[0], "naiveMatmul: \(a.shape) · \(b.shape)")
    let (m, k, n) = (a.shape[0], a.shape[1], b.shape[1])
    let x = a.scalars, y = b.scalars
    var out = [Float](repeating: 0, count: m * n)
    for i in 0..<m {
      for j in 0..<n {
        var s = 0.0
        for p in 0..<k { s += Double(x[i * k + p]) * Double(y[p * n + j]) }
        out[i * n + j] = Float(s)
      }
    }
    return Tensor(shape: [m, n], scalars: out)
  }
}
