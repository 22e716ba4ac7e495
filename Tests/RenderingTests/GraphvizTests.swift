import Testing

@testable import Rendering

@Suite("Graphviz in process", .serialized)
struct GraphvizTests {
  @Test func rendersSVGWithDotAndNeato() throws {
    for engine in [LayoutEngine.dot, .neato] {
      let svg = try Graphviz.render(dot: "graph g { a -- b; b -- c; c -- a }", engine: engine)
      #expect(svg.contains("<svg"))
      #expect(svg.contains("<title>a</title>"))
    }
  }

  @Test func pinnedLayoutKeepsPositions() throws {
    let plain = try Graphviz.render(
      dot: "graph g { a [pos=\"0,0!\"]; b [pos=\"144,72!\"]; a -- b }", engine: .pinned, format: .plain)
    let positions = try PlainLayout(parsing: plain).positions
    #expect(positions.count == 2)
    let a = try #require(positions["a"]), b = try #require(positions["b"])
    #expect(abs(b.x - a.x - 144) < 0.01 && abs(b.y - a.y - 72) < 0.01)
  }

  @Test func syntaxErrorsAreCapturedNotPrinted() {
    #expect {
      try Graphviz.render(dot: "graph g { a -- ", engine: .dot)
    } throws: { error in
      guard case .dotSyntax(let message) = error as? RenderError else { return false }
      return message.contains("syntax error")
    }
  }

  @Test func explicitPluginLoadingWorksWithoutConfig() throws {
    let svg = try Graphviz.withPrivateContext(strategy: .explicitOnly) { gvc throws(RenderError) in
      try Graphviz.renderLocked(gvc: gvc, dot: "graph g { a -- b }", engine: .neato, format: .svg)
    }
    #expect(String(decoding: svg, as: UTF8.self).contains("<svg"))
  }

  @Test func concurrentRendersAreSerialisedSafely() async throws {
    // Graphviz crashes when two threads render at once; the process-wide lock prevents that.
    let sizes = try await withThrowingTaskGroup(of: Int.self) { group in
      for task in 0..<8 {
        group.addTask {
          var total = 0
          for round in 0..<15 {
            let dot = "graph g { a -- b; b -- c; c -- d\(task)_\(round); d\(task)_\(round) -- a }"
            total += try Graphviz.render(dot: dot, engine: round % 2 == 0 ? .neato : .dot).utf8.count
          }
          return total
        }
      }
      var all: [Int] = []
      for try await size in group { all.append(size) }
      return all
    }
    #expect(sizes.count == 8 && sizes.allSatisfy { $0 > 15 * 500 })
  }

  @Test func pngComesFromCairoWhenAvailable() throws {
    guard Graphviz.canRenderPNG else { return }
    let png = try Graphviz.renderData(dot: "graph g { a -- b }", engine: .dot, format: .png)
    #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
  }
}

@Suite("Graphviz installation facts", .serialized)
struct GraphvizInstallationTests {
  @Test func thisInstallationHasCairoAndReportsHowPluginsWereFound() {
    // The Debian graphviz package ships the pango (cairo) plugin; a fresh install finds config6a.
    print("{\"graphvizPlugins\":\"\(Graphviz.pluginSourceDescription)\"}")
    #expect(Graphviz.canRenderPNG)
    #expect(Graphviz.pluginSourceDescription == "Graphviz config6a" || Graphviz.pluginSourceDescription.hasPrefix("loaded from"))
  }
}
