// Finding Graphviz's plugins reliably: first the installation's config6a (gvContext); when that
// yields no working layouts (config6a missing on a fresh install, GVBINDIR pointing elsewhere),
// a context without demand loading into which we load each plugin library ourselves.
//
// Pointer ownership: the GVC_t from gvContext/gvContextPlugins is owned by whoever called
// `makeContext`; a context that fails its check is freed here with gvFreeContext. Plugin
// libraries opened with dlopen stay loaded for the life of the process (never dlclose'd, because
// the context keeps pointers into them). The `gvplugin_library_t*` from dlsym points into the
// loaded library's data and is owned by it.

import CGraphviz

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// How a Graphviz context found its plugins.
enum PluginSource: Sendable, Equatable, CustomStringConvertible {
  /// The installation's plugin configuration file (config6a), read by gvContext.
  case configuration
  /// Plugin libraries loaded one by one from a directory.
  case explicitLibraries(directory: String, libraries: [String])

  var description: String {
    switch self {
    case .configuration: return "Graphviz config6a"
    case .explicitLibraries(let directory, let libraries):
      return "loaded from \(directory): \(libraries.joined(separator: ", "))"
    }
  }
}

/// Which way `makeContext` may find plugins.
enum PluginStrategy: Sendable {
  /// config6a first, then explicit loading.
  case automatic
  /// Only explicit loading (tests prove this path works without config6a).
  case explicitOnly
}

extension Graphviz {
  /// Plugin libraries cfx needs (first three) or uses when present (pango: cairo PNG).
  static let pluginLibraries: [(name: String, required: Bool)] = [
    ("core", true), ("dot_layout", true), ("neato_layout", true), ("pango", false),
  ]

  /// Directories searched for plugin libraries, most specific first.
  static var pluginDirectories: [String] {
    var directories: [String] = []
    if let custom = getenv("GVBINDIR") { directories.append(String(cString: custom)) }
    directories += [
      "/usr/lib/x86_64-linux-gnu/graphviz", "/usr/lib/aarch64-linux-gnu/graphviz", "/usr/lib64/graphviz",
      "/usr/lib/graphviz", "/usr/local/lib/graphviz", "/opt/homebrew/lib/graphviz",
    ]
    return directories
  }

  /// Creates a context whose dot, neato and pinned layouts and SVG renderer all work.
  static func makeWorkingContext(strategy: PluginStrategy = .automatic) throws(RenderError) -> Context {
    if strategy == .automatic, let gvc = gvContext() {
      if hasRequiredPlugins(gvc: gvc) { return Context(gvc: gvc, pluginSource: .configuration) }
      gvFreeContext(gvc)
    }
    var tried: [String] = []
    for directory in pluginDirectories {
      guard let gvc = gvContextPlugins(nil, 0) else { throw .plugins("gvContextPlugins failed") }
      let loaded = loadPlugins(into: gvc, directory: directory)
      if hasRequiredPlugins(gvc: gvc) {
        return Context(gvc: gvc, pluginSource: .explicitLibraries(directory: directory, libraries: loaded))
      }
      gvFreeContext(gvc)
      tried.append(directory)
    }
    throw .plugins(
      "no directory holds libgvplugin_{core,dot_layout,neato_layout} (searched \(tried.joined(separator: ", "))); "
        + "install the graphviz package or set GVBINDIR")
  }

  /// Runs `body` with a private context built by `strategy`, under the process-wide lock.
  static func withPrivateContext<T>(strategy: PluginStrategy, _ body: (OpaquePointer) throws(RenderError) -> T)
    throws(RenderError) -> T
  {
    try state.withLock { _ throws(RenderError) -> T in
      installErrorCapture()
      capturedErrors = []
      let context = try makeWorkingContext(strategy: strategy)
      defer { gvFreeContext(context.gvc) }
      return try body(context.gvc)
    }
  }

  /// dlopens each plugin library in `directory` and registers it; returns the names loaded.
  static func loadPlugins(into gvc: OpaquePointer, directory: String) -> [String] {
    var loaded: [String] = []
    for plugin in pluginLibraries {
      let candidates = ["libgvplugin_\(plugin.name).so.6", "libgvplugin_\(plugin.name).so", "libgvplugin_\(plugin.name).dylib"]
      for file in candidates {
        guard let handle = dlopen(directory + "/" + file, RTLD_NOW | RTLD_GLOBAL) else { continue }
        guard let symbol = dlsym(handle, "gvplugin_\(plugin.name)_LTX_library") else { continue }
        gvAddLibrary(gvc, symbol.assumingMemoryBound(to: gvplugin_library_t.self))
        loaded.append(plugin.name)
        break
      }
    }
    return loaded
  }

  /// Whether the context lays out with dot, neato and nop and renders SVG.
  static func hasRequiredPlugins(gvc: OpaquePointer) -> Bool {
    let layouts = Set(pluginNames(gvc: gvc, kind: "layout").map { $0.split(separator: ":").first.map(String.init) ?? $0 })
    let renderers = pluginNames(gvc: gvc, kind: "render")
    return layouts.isSuperset(of: ["dot", "neato", "nop"]) && renderers.contains { $0.hasPrefix("svg") }
  }
}
