// The one Swift file that renders through Graphviz (libgvc/libcgraph); plugin discovery lives
// next to it in GraphvizPlugins+C.swift.
//
// Pointer ownership: the GVC context is created once and lives for the process. Each render
// creates a graph with agmemread (we own it: agclose), lays it out (gvFreeLayout before agclose),
// renders into a buffer owned by Graphviz (released with gvFreeRenderData, never free()).
// Error text reaches us through a C callback (`captureGraphvizError`) that appends to
// `Graphviz.capturedErrors`; it is only ever called while the lock is held.
// Graphviz is not thread-safe, even with one context per thread: one process-wide lock.

import CGraphviz
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Errors from Graphviz.
public enum RenderError: Error, CustomStringConvertible, Equatable {
  /// The DOT text did not parse.
  case dotSyntax(String)
  /// Layout failed (unknown engine or missing plugins).
  case layout(engine: String, message: String)
  /// Rendering produced no output.
  case render(format: String, message: String)
  /// The Graphviz plugins could not be found or loaded.
  case plugins(String)

  /// A one-line explanation for users.
  public var description: String {
    switch self {
    case .dotSyntax(let m): return "Graphviz could not parse the DOT text: \(m)"
    case .layout(let e, let m):
      return "Graphviz layout '\(e)' failed: \(m) (is the graphviz package installed? try 'dot -c' as root)"
    case .render(let f, let m): return "Graphviz could not render \(f): \(m)"
    case .plugins(let m): return "Graphviz plugins unavailable: \(m)"
    }
  }
}

/// Graph layout engines we use.
public enum LayoutEngine: String, Sendable, CaseIterable {
  /// Hierarchical layout.
  case dot
  /// Spring-model (stress majorization) layout: molecules, general graphs.
  case neato
  /// Keeps the `pos` of every node as given (neato -n): pinned drawings, diffs, grids.
  case pinned = "nop"
}

/// Output formats cfx asks Graphviz for.
public enum RenderFormat: String, Sendable, CaseIterable {
  /// SVG from the core renderer (always available with the core plugin).
  case svg
  /// PNG through the cairo renderer (the pango plugin); not always installed.
  case png
  /// Graphviz "plain" text: node positions after layout.
  case plain

  /// The Graphviz format string; PNG insists on cairo for antialiased output.
  var graphvizName: String {
    switch self {
    case .svg: return "svg"
    case .png: return "png:cairo"
    case .plain: return "plain"
    }
  }
}

/// In-process Graphviz rendering, serialised by one lock.
public enum Graphviz {
  /// The process-wide context plus how its plugins were found.
  struct Context: @unchecked Sendable {
    let gvc: OpaquePointer
    let pluginSource: PluginSource
  }

  /// The lock every Graphviz call holds; the context is created on first use.
  static let state: Mutex<Context?> = Mutex(nil)

  /// Error messages collected by the C callback during one locked call.
  nonisolated(unsafe) static var capturedErrors: [String] = []

  /// Renders DOT text to SVG (or plain text) with the given layout engine.
  public static func render(dot: String, engine: LayoutEngine = .dot, format: RenderFormat = .svg)
    throws(RenderError) -> String
  {
    let bytes = try renderData(dot: dot, engine: engine, format: format)
    return String(decoding: bytes, as: UTF8.self)
  }

  /// Renders DOT text to raw bytes (PNG needs this).
  public static func renderData(dot: String, engine: LayoutEngine = .dot, format: RenderFormat = .svg)
    throws(RenderError) -> [UInt8]
  {
    try withContext { context throws(RenderError) -> [UInt8] in
      try renderLocked(gvc: context.gvc, dot: dot, engine: engine, format: format)
    }
  }

  /// Whether PNG output (the cairo renderer) is available in this installation.
  public static var canRenderPNG: Bool {
    (try? withContext { context throws(RenderError) -> Bool in
      // gvPluginList gives bare type names: the cairo renderer plus a png device.
      pluginNames(gvc: context.gvc, kind: "render").contains("cairo") && pluginNames(gvc: context.gvc, kind: "device").contains("png")
    }) ?? false
  }

  /// How the plugins were found: the installation's config6a, or loaded one by one.
  public static var pluginSourceDescription: String {
    (try? withContext { context throws(RenderError) -> String in context.pluginSource.description }) ?? "no plugins"
  }

  /// Runs `body` under the lock with a context whose layouts work.
  static func withContext<T>(_ body: (Context) throws(RenderError) -> T) throws(RenderError) -> T {
    try state.withLock { ctx throws(RenderError) -> T in
      installErrorCapture()
      capturedErrors = []
      if ctx == nil { ctx = try makeWorkingContext() }
      capturedErrors = []
      return try body(ctx!)
    }
  }

  /// The body of a render; the lock is held.
  static func renderLocked(gvc: OpaquePointer, dot: String, engine: LayoutEngine, format: RenderFormat)
    throws(RenderError) -> [UInt8]
  {
    guard let graph = dot.withCString({ agmemread($0) }) else {
      throw .dotSyntax(takeErrors(default: "syntax error"))
    }
    defer { agclose(graph) }
    guard gvLayout(gvc, graph, engine.rawValue) == 0 else {
      throw .layout(engine: engine.rawValue, message: takeErrors(default: "unknown layout error"))
    }
    defer { gvFreeLayout(gvc, graph) }
    var data: UnsafeMutablePointer<CChar>? = nil
    var length: UInt32 = 0
    let status = gvRenderData(gvc, graph, format.graphvizName, &data, &length)
    defer { if let data { gvFreeRenderData(data) } }
    guard status == 0, let data, length > 0 else {
      let hint = format == .png ? "PNG needs Graphviz's cairo plugin (libgvplugin_pango)" : "no output"
      throw .render(format: format.rawValue, message: takeErrors(default: hint))
    }
    return Array(UnsafeRawBufferPointer(start: data, count: Int(length)))
  }

  /// Names of the plugins of one kind ("layout", "render", "device"); lock held.
  static func pluginNames(gvc: OpaquePointer, kind: String) -> [String] {
    var count: Int32 = 0
    guard let list = gvPluginList(gvc, kind, &count, nil) else { return [] }
    defer { free(list) }
    var names: [String] = []
    for index in 0..<Int(count) {
      if let name = list[index] {
        names.append(String(cString: name))
        free(name)
      }
    }
    return names
  }

  /// Routes Graphviz's error output into `capturedErrors` (instead of stderr).
  static func installErrorCapture() {
    agseterr(AGWARN)
    _ = agseterrf(captureGraphvizError)
  }

  /// Returns and clears the collected error text, or `default` when there is none.
  static func takeErrors(default fallback: String) -> String {
    var text = capturedErrors.joined().trimmedWhitespace()
    capturedErrors = []
    if text.isEmpty, let last = aglasterr() {
      text = String(cString: last).trimmedWhitespace()
    }
    return text.isEmpty ? fallback : text
  }
}

/// Receives each chunk of Graphviz error text; called only while `Graphviz.state` is locked.
private func captureGraphvizError(_ message: UnsafeMutablePointer<CChar>?) -> Int32 {
  if let message { Graphviz.capturedErrors.append(String(cString: message)) }
  return 0
}

extension String {
  /// The string without leading and trailing whitespace.
  func trimmedWhitespace() -> String {
    var s = Substring(self)
    while let c = s.first, c.isWhitespace { s.removeFirst() }
    while let c = s.last, c.isWhitespace { s.removeLast() }
    return String(s)
  }
}
