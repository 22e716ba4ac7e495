// Fused graph attention (graph_attention.c), split across cores by graph. Naive reference:
// GraphAttention+Naive.swift.
//
// Pointer ownership: input pointers are borrowed from tensor storages for one C call; outputs
// are freshly allocated here (unique), and each chunk writes only the rows of its own graphs,
// so writing them cannot affect any other value.

import CTensorKernels

extension Kernels {
  /// Outputs of the fused graph-attention forward: the edge output Z [bs, n, n, d], the node
  /// output W [bs, n, d] and the softmax statistics (max and 1/sum per query row and channel,
  /// [bs, n, d]) that the backward uses to recompute the attention weights.
  struct GraphAttentionForward {
    var edges: Tensor, nodes: Tensor, rowMax: Tensor, rowInverseSum: Tensor
  }

  /// Gradients of the fused graph attention with respect to qkv [bs, n, 3d], film [bs, n, n, 2d],
  /// globalAdd and globalMultiply [bs, d].
  struct GraphAttentionGradients {
    var qkv: Tensor, film: Tensor, globalAdd: Tensor, globalMultiply: Tensor
  }

  /// Graphs per chunk so that each chunk holds at least `parallelThreshold` edge elements.
  private static func graphsPerChunk(n: Int, d: Int) -> Int {
    parallelThreshold / Swift.max(n * n * d, 1) + 1
  }

  /// Fused forward; see `ctk_graph_attention_forward`. Shapes are checked by the caller.
  static func graphAttentionForward(
    qkv: Tensor, film: Tensor, nodeMask: Tensor, globalAdd: Tensor, globalMultiply: Tensor, scale: Float
  ) -> GraphAttentionForward {
    let (bs, n, d) = (qkv.shape[0], qkv.shape[1], qkv.shape[2] / 3)
    let result = GraphAttentionForward(
      edges: Tensor.uninitialized([bs, n, n, d]), nodes: Tensor.uninitialized([bs, n, d]),
      rowMax: Tensor.uninitialized([bs, n, d]), rowInverseSum: Tensor.uninitialized([bs, n, d]))
    if bs == 0 || n == 0 || d == 0 { return result }
    qkv.storage.withUnsafeBufferPointer { pq in
      film.storage.withUnsafeBufferPointer { pf in
        nodeMask.storage.withUnsafeBufferPointer { pm in
          globalAdd.storage.withUnsafeBufferPointer { pa in
            globalMultiply.storage.withUnsafeBufferPointer { pg in
              result.edges.storage.withUnsafeMutableBufferPointer { pz in
                result.nodes.storage.withUnsafeMutableBufferPointer { pw in
                  result.rowMax.storage.withUnsafeMutableBufferPointer { pmax in
                    result.rowInverseSum.storage.withUnsafeMutableBufferPointer { pinv in
                      forEachChunk(total: bs, minimumPerChunk: graphsPerChunk(n: n, d: d)) { b, count in
                        let node = b * n * d, edge = b * n * n * d
                        ctk_graph_attention_forward(
                          count, n, d, scale, pq.baseAddress! + node * 3, pf.baseAddress! + edge * 2,
                          pm.baseAddress! + b * n, pa.baseAddress! + b * d, pg.baseAddress! + b * d,
                          pz.baseAddress! + edge, pw.baseAddress! + node, pmax.baseAddress! + node,
                          pinv.baseAddress! + node)
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
    return result
  }

  /// Fused backward; see `ctk_graph_attention_backward`. `dEdges` [bs, n, n, d] and `dNodes`
  /// [bs, n, d] are the gradients of the two outputs.
  static func graphAttentionBackward(
    qkv: Tensor, film: Tensor, nodeMask: Tensor, globalMultiply: Tensor, forward: GraphAttentionForward,
    dEdges: Tensor, dNodes: Tensor, scale: Float
  ) -> GraphAttentionGradients {
    let (bs, n, d) = (qkv.shape[0], qkv.shape[1], qkv.shape[2] / 3)
    let grads = GraphAttentionGradients(
      qkv: Tensor.uninitialized(qkv.shape), film: Tensor.uninitialized(film.shape),
      globalAdd: Tensor.uninitialized([bs, d]), globalMultiply: Tensor.uninitialized([bs, d]))
    if bs == 0 || n == 0 || d == 0 {
      return GraphAttentionGradients(
        qkv: Tensor.zeros(qkv.shape), film: Tensor.zeros(film.shape), globalAdd: Tensor.zeros([bs, d]),
        globalMultiply: Tensor.zeros([bs, d]))
    }
    qkv.storage.withUnsafeBufferPointer { pq in
      film.storage.withUnsafeBufferPointer { pf in
        nodeMask.storage.withUnsafeBufferPointer { pm in
          globalMultiply.storage.withUnsafeBufferPointer { pg in
            forward.nodes.storage.withUnsafeBufferPointer { pw in
              forward.rowMax.storage.withUnsafeBufferPointer { pmax in
                forward.rowInverseSum.storage.withUnsafeBufferPointer { pinv in
                  dEdges.storage.withUnsafeBufferPointer { pdz in
                    dNodes.storage.withUnsafeBufferPointer { pdw in
                      grads.qkv.storage.withUnsafeMutableBufferPointer { pdq in
                        grads.film.storage.withUnsafeMutableBufferPointer { pdf in
                          grads.globalAdd.storage.withUnsafeMutableBufferPointer { pda in
                            grads.globalMultiply.storage.withUnsafeMutableBufferPointer { pdg in
                              forEachChunk(total: bs, minimumPerChunk: graphsPerChunk(n: n, d: d)) { b, count in
                                let node = b * n * d, edge = b * n * n * d
                                ctk_graph_attention_backward(
                                  count, n, d, scale, pq.baseAddress! + node * 3, pf.baseAddress! + edge * 2,
                                  pm.baseAddress! + b * n, pg.baseAddress! + b * d, pw.baseAddress! + node,
                                  pmax.baseAddress! + node, pinv.baseAddress! + node, pdz.baseAddress! + edge,
                                  pdw.baseAddress! + node, pdq.baseAddress! + node * 3, pdf.baseAddress! + edge * 2,
                                  pda.baseAddress! + b * d, pdg.baseAddress! + b * d)
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
    return grads
  }
}
