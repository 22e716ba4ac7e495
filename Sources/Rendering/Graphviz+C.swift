// The one Swift file that talks to Graphviz (libgvc/libcgraph).
//
// Pointer ownership: the GVC context is created once and lives for the process. Each render
// creates a graph with agmemread, lays it out, renders into a buffer owned by Graphviz
// (released with gvFreeRenderData), then frees the layout and closes the graph.
// Graphviz is not thread-safe, even with one context per thread: one process-wide lock.

import CGraphviz
import Synchronization

/// Errors from Graphviz.
public enum RenderError: Error, CustomStringConvertible, Equatable {
  /// The DOT text did not parse.
  case dotSyntax(String)
  /// Layout failed (unknown engine or missing plugins).
  case layout(engine: String, message: String)
  /// Rendering produced no output.
  case render(format: String, message: String)

  /// A one-line explanation for users.
  public var description: String {
    switch self {
    case .dotSyntax(let m): return "Graphviz could not parse the DOT text: \(m)"
    case .layout(let e, let m):
      return "Graphviz layout '\(e)' failed: \(m) (is the graphviz package installed? try 'dot -c' as root)"
    case .render(let f, let m): return "Graphviz could not render \(f): \(m)"
    }
  }
}

/// Graph layout engines we use.
public enum LayoutEngine: String, Sendable, CaseIterable {
  /// Hierarchical layout.
  case dot
  /// Spring-model layout (molecules, general graphs).
  case neato
}

/// In-process Graphviz rendering, serialised by one lock.
public enum Graphviz {
  struct Context: @unchecked Sendable { let gvc: OpaquePointer }

  static let state: Mutex<Context?> = Mutex(nil)

  /// Renders DOT text to SVG (or another Graphviz output format) with the given layout engine.
  public static func render(dot: String, engine: LayoutEngine = .dot, format: String = "svg")
    throws(RenderError) -> String
  {
    try state.withLock { ctx throws(RenderError) -> String in
      if ctx == nil {
        guard let gvc = gvContext() else { throw .layout(engine: engine.rawValue, message: "gvContext failed") }
        ctx = Context(gvc: gvc)
      }
      let gvc = ctx!.gvc
      agseterr(AGMAX)  // collect errors instead of printing them
      guard let graph = dot.withCString({ agmemread($0) }) else {
        let last = aglasterr().map { String(cString: $0) } ?? "syntax error"
        throw .dotSyntax(last.trimmingCharacters())
      }
      defer { agclose(graph) }
      guard gvLayout(gvc, graph, engine.rawValue) == 0 else {
        let last = aglasterr().map { String(cString: $0) } ?? "unknown layout error"
        throw .layout(engine: engine.rawValue, message: last.trimmingCharacters())
      }
      defer { gvFreeLayout(gvc, graph) }
      var data: UnsafeMutablePointer<CChar>? = nil
      var length: UInt32 = 0
      guard gvRenderData(gvc, graph, format, &data, &length) == 0, let data, length > 0 else {
        throw .render(format: format, message: "no output (is the '\(format)' renderer installed?)")
      }
      defer { gvFreeRenderData(data) }
      return String(decoding: UnsafeRawBufferPointer(start: data, count: Int(length)), as: UTF8.self)
    }
  }
}

extension String {
  fileprivate func trimmingCharacters() -> String {
    var s = Substring(self)
    while let c = s.first, c.isWhitespace { s.removeFirst() }
    while let c = s.last, c.isWhitespace { s.removeLast() }
    return String(s)
  }
}
