// Graph attention with the edge FiLM projection fused in, graph by graph: for each graph the
// edge FiLM film_b = e_b·Wᵀ + bias [n², 2d] is computed by one sgemm and consumed by the
// attention kernel while it is still in cache; backward, each graph's d film_b stays in a
// per-chunk scratch buffer and feeds the two products d e_b = d film_b·W and
// d W_b = d film_bᵀ·e_b directly. The [bs, n, n, 2d] FiLM gradient never goes to memory, and the
// FiLM itself is written once (kept for the backward) instead of zeroed, accumulated and re-read.
// d W and d bias are summed over per-graph partials in graph order, so results do not depend on
// how graphs are split across cores.
//
// Pointer ownership: input pointers are borrowed from tensor storages for the calls; outputs,
// partials and scratch are freshly allocated here and each chunk writes only its own graphs' rows.

import CBLAS
import CTensorKernels

extension Kernels {
  /// Forward of the fused projection + attention. Shapes: qkv [bs, n, 3d], edges [bs, n, n, de],
  /// filmWeight [2d, de], filmBias [2d], nodeMask [bs, n], globalAdd/globalMultiply [bs, d].
  /// Returns the attention outputs and the FiLM tensor [bs, n, n, 2d] (kept for the backward).
  static func projectedGraphAttentionForward(
    qkv: Tensor, edges: Tensor, filmWeight: Tensor, filmBias: Tensor, nodeMask: Tensor, globalAdd: Tensor,
    globalMultiply: Tensor, scale: Float
  ) -> (GraphAttentionForward, film: Tensor) {
    let (bs, n, d, de) = (qkv.shape[0], qkv.shape[1], qkv.shape[2] / 3, edges.shape[3])
    let film = Tensor.uninitialized([bs, n, n, 2 * d])
    let result = GraphAttentionForward(
      edges: Tensor.uninitialized([bs, n, n, d]), nodes: Tensor.uninitialized([bs, n, d]),
      rowMax: Tensor.uninitialized([bs, n, d]), rowInverseSum: Tensor.uninitialized([bs, n, d]))
    if bs == 0 || n == 0 || d == 0 { return (result, film) }
    _ = blasSingleThreaded
    let (pairs, nodeSize) = (n * n, n * d)
    qkv.storage.withUnsafeBufferPointer { pq in
      edges.storage.withUnsafeBufferPointer { pe in
        filmWeight.storage.withUnsafeBufferPointer { pw in
          filmBias.storage.withUnsafeBufferPointer { pbias in
            nodeMask.storage.withUnsafeBufferPointer { pm in
              globalAdd.storage.withUnsafeBufferPointer { pa in
                globalMultiply.storage.withUnsafeBufferPointer { pg in
                  film.storage.withUnsafeMutableBufferPointer { pf in
                    result.edges.storage.withUnsafeMutableBufferPointer { pz in
                      result.nodes.storage.withUnsafeMutableBufferPointer { px in
                        result.rowMax.storage.withUnsafeMutableBufferPointer { pmax in
                          result.rowInverseSum.storage.withUnsafeMutableBufferPointer { pinv in
                            forEachChunk(total: bs, minimumPerChunk: 1) { first, count in
                              for b in first..<(first + count) {
                                // film_b = e_b · Wᵀ + bias, the bias added as the product is stored.
                                let fb = pf.baseAddress! + b * pairs * 2 * d
                                if de > 0 {
                                  Kernels.sgemmBiasOne(pe.baseAddress! + b * pairs * de, transposeA: false, lda: de, pw.baseAddress!, transposeB: true, ldb: de,
                                                       bias: pbias.baseAddress!, relu: false, fb, m: pairs, n: 2 * d, k: de)
                                } else {
                                  for r in 0..<pairs { (fb + r * 2 * d).update(from: pbias.baseAddress!, count: 2 * d) }
                                }
                                ctk_graph_attention_forward(
                                  1, n, d, scale, pq.baseAddress! + b * nodeSize * 3, fb, pm.baseAddress! + b * n,
                                  pa.baseAddress! + b * d, pg.baseAddress! + b * d, pz.baseAddress! + b * pairs * d,
                                  px.baseAddress! + b * nodeSize, pmax.baseAddress! + b * nodeSize,
                                  pinv.baseAddress! + b * nodeSize)
                              }
                            }
                          }
                        }
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
    return (result, film)
  }

  /// Gradients of the fused projection + attention: qkv, edges, filmWeight, filmBias,
  /// globalAdd, globalMultiply (shapes of the inputs).
  struct ProjectedGraphAttentionGradients {
    var qkv: Tensor, edges: Tensor, filmWeight: Tensor, filmBias: Tensor, globalAdd: Tensor, globalMultiply: Tensor
  }

  /// Backward of the fused projection + attention from dEdges [bs, n, n, d] and dNodes [bs, n, d].
  static func projectedGraphAttentionBackward(
    qkv: Tensor, edges: Tensor, filmWeight: Tensor, film: Tensor, nodeMask: Tensor, globalMultiply: Tensor,
    forward: GraphAttentionForward, dEdges: Tensor, dNodes: Tensor, scale: Float
  ) -> ProjectedGraphAttentionGradients {
    let (bs, n, d, de) = (qkv.shape[0], qkv.shape[1], qkv.shape[2] / 3, edges.shape[3])
    let (pairs, nodeSize, width) = (n * n, n * d, 2 * d)
    let grads = ProjectedGraphAttentionGradients(
      qkv: Tensor.uninitialized(qkv.shape), edges: Tensor.zeros(edges.shape), filmWeight: Tensor.zeros(filmWeight.shape),
      filmBias: Tensor.zeros([width]), globalAdd: Tensor.uninitialized([bs, d]), globalMultiply: Tensor.uninitialized([bs, d]))
    if bs == 0 || n == 0 || d == 0 {
      return ProjectedGraphAttentionGradients(
        qkv: Tensor.zeros(qkv.shape), edges: grads.edges, filmWeight: grads.filmWeight, filmBias: grads.filmBias,
        globalAdd: Tensor.zeros([bs, d]), globalMultiply: Tensor.zeros([bs, d]))
    }
    _ = blasSingleThreaded
    // Per-graph partial sums of d W [bs, 2d, de] and d bias [bs, 2d], reduced in graph order below.
    let weightPartials = Tensor.zeros([bs, width, de]), biasPartials = Tensor.uninitialized([bs, width])
    qkv.storage.withUnsafeBufferPointer { pq in
      edges.storage.withUnsafeBufferPointer { pe in
        filmWeight.storage.withUnsafeBufferPointer { pw in
          film.storage.withUnsafeBufferPointer { pf in
            nodeMask.storage.withUnsafeBufferPointer { pm in
              globalMultiply.storage.withUnsafeBufferPointer { pg in
                forward.nodes.storage.withUnsafeBufferPointer { px in
                  forward.rowMax.storage.withUnsafeBufferPointer { pmax in
                    forward.rowInverseSum.storage.withUnsafeBufferPointer { pinv in
                      dEdges.storage.withUnsafeBufferPointer { pdz in
                        dNodes.storage.withUnsafeBufferPointer { pdx in
                          grads.qkv.storage.withUnsafeMutableBufferPointer { pdq in
                            grads.edges.storage.withUnsafeMutableBufferPointer { pde in
                              weightPartials.storage.withUnsafeMutableBufferPointer { pdw in
                                biasPartials.storage.withUnsafeMutableBufferPointer { pdb in
                                  grads.globalAdd.storage.withUnsafeMutableBufferPointer { pda in
                                    grads.globalMultiply.storage.withUnsafeMutableBufferPointer { pdg in
                                      forEachChunk(total: bs, minimumPerChunk: 1) { first, count in
                                        // One graph's FiLM gradient at a time, in cache.
                                        let scratch = TensorStorage(uninitializedCount: pairs * width)
                                        scratch.withUnsafeMutableBufferPointer { ps in
                                          let dfilm = ps.baseAddress!
                                          for b in first..<(first + count) {
                                            ctk_graph_attention_backward(
                                              1, n, d, scale, pq.baseAddress! + b * nodeSize * 3,
                                              pf.baseAddress! + b * pairs * width, pm.baseAddress! + b * n,
                                              pg.baseAddress! + b * d, px.baseAddress! + b * nodeSize,
                                              pmax.baseAddress! + b * nodeSize, pinv.baseAddress! + b * nodeSize,
                                              pdz.baseAddress! + b * pairs * d, pdx.baseAddress! + b * nodeSize,
                                              pdq.baseAddress! + b * nodeSize * 3, dfilm, pda.baseAddress! + b * d,
                                              pdg.baseAddress! + b * d)
                                            ctk_reduce_axis(
                                              Int32(CTK_SUM.rawValue), dfilm, 1, pairs, width, pdb.baseAddress! + b * width)
                                            if de == 0 { continue }
                                            // d e_b = d film_b · W  ([n², 2d]·[2d, de]; d e is zeroed).
                                            Kernels.sgemmOne(dfilm, transposeA: false, lda: width, pw.baseAddress!, transposeB: false, ldb: de,
                                                             pde.baseAddress! + b * pairs * de, m: pairs, n: de, k: width)
                                            // d W_b = d film_bᵀ · e_b  ([2d, n²]·[n², de]; partials zeroed).
                                            Kernels.sgemmOne(dfilm, transposeA: true, lda: width, pe.baseAddress! + b * pairs * de, transposeB: false, ldb: de,
                                                             pdw.baseAddress! + b * width * de, m: width, n: de, k: pairs)
                                          }
                                        }
                                      }
                                    }
                                  }
                                }
                              }
                            }
                          }
                        }
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
    var result = grads
    result.filmWeight = reduce(CTK_SUM, weightPartials, axis: 0).reshaped([width, de])
    result.filmBias = reduce(CTK_SUM, biasPartials, axis: 0).reshaped([width])
    return result
  }
}
