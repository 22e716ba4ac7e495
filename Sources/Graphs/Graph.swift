// Graphs: graph types and algorithms for cfx (filled in by the graph diffusion issue).
// This module currently re-exports the nauty and planarity wrappers it is built on.
@_exported import Nauty
@_exported import Planarity
