import Foundation
@testable import Images
import Testing

/// PNG reading and writing: files written by an independent encoder decode to the values they
/// hold, every layout round-trips, and damaged or hostile files are refused with the file named,
/// never a crash and never a half-written output.
@Suite struct PNGTests {
  @Test func independentlyEncodedFilesDecodeToTheirValues() throws {
    for (name, fixture) in pngFixtures {
      let image = try PNG.decode(fixture.data, source: name)
      #expect((image.channels, image.width, image.height) == (fixture.channels, fixture.width, fixture.height), "\(name)")
      #expect(image.interleaved == fixture.samples, "\(name): \(image.interleaved)")
    }
    // 16-bit samples keep their precision: 65535 → exactly 1, 25700 → 100/255.
    let wide = try PNG.decode(pngFixtures["gray16"]!.data, source: "gray16")
    #expect(wide.values == [0, 1, Float(25700) / 65535])
  }

  @Test func everyLayoutRoundTrips() throws {
    var rng = SystemRandomNumberGenerator()
    for channels in 1...4 {
      for (height, width) in [(1, 1), (3, 5), (28, 28), (17, 32)] {
        let values = (0..<(channels * height * width)).map { _ in Float(Int.random(in: 0...255, using: &rng)) / 255 }
        let image = Image(channels: channels, height: height, width: width, values: values)
        let back = try PNG.decode(PNG.encode(image), source: "round trip")
        #expect(back == image, "\(channels) channels, \(height) × \(width)")
      }
    }
    // Values between two 8-bit levels are stored at the nearest one.
    let between = Image(channels: 1, height: 1, width: 2, values: [0.1, 0.9])
    #expect(try PNG.decode(PNG.encode(between), source: "x").interleaved == [26, 230])
  }

  @Test func hostileBytesAreRefusedWithTheFileNamed() throws {
    for (name, data) in damagedPNGFixtures {
      do {
        _ = try PNG.decode(data, source: "\(name).png")
        Issue.record("\(name) was accepted")
      } catch {
        #expect(error.description.hasPrefix("\(name).png: "), "\(error)")
        if name == "hugeHeader" { #expect(error == .tooLarge(file: "hugeHeader.png", reason: error.description.replacingOccurrences(of: "hugeHeader.png: ", with: ""))) }
      }
    }
    // Not PNG at all, and every truncation of a valid file (a kill while another program wrote it).
    #expect(throws: ImageError.notPNG(file: "a.txt")) { try PNG.decode(Data("hello, world".utf8), source: "a.txt") }
    #expect(throws: ImageError.notPNG(file: "empty")) { try PNG.decode(Data(), source: "empty") }
    let whole = try PNG.encode(Image(channels: 3, height: 9, width: 7, filledWith: 0.5))
    for cut in 0..<whole.count - 12 {  // IEND (12 bytes) may be missing; everything before is needed
      #expect(throws: ImageError.self, "cut at \(cut)") { try PNG.decode(whole.prefix(cut), source: "cut.png") }
    }
    // A pixel limit: an image above it is refused before its pixels are allocated.
    #expect(throws: ImageError.self) { try PNG.decode(whole, source: "limit.png", maximumPixels: 62) }
    #expect(try PNG.decode(whole, source: "limit.png", maximumPixels: 63).width == 7)
  }

  @Test func filesAreReadWithTheirChannelsCheckedAndWrittenAtomically() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cfx-png-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("gray.png").path
    let gray = Image(channels: 1, height: 2, width: 3, values: [0, 1, 0.2, 0.4, 0.6, 0.8].map { ($0 * 255).rounded() / 255 })
    try PNG.write(gray, to: path)
    #expect(try PNG.read(path) == gray)
    #expect(try PNG.read(path, channels: [1]) == gray)
    #expect(throws: ImageError.channels(file: path, found: 1, expected: [3, 4])) { try PNG.read(path, channels: [3, 4]) }
    #expect(throws: ImageError.io(file: directory.appendingPathComponent("none.png").path, reason: "no such file")) {
      try PNG.read(directory.appendingPathComponent("none.png").path)
    }
    #expect(throws: ImageError.self) { try PNG.read(directory.path) }
    // A write into a folder that cannot exist fails and leaves nothing; the old file is intact.
    let blocker = directory.appendingPathComponent("file").path
    try Data("x".utf8).write(to: URL(fileURLWithPath: blocker))
    #expect(throws: ImageError.self) { try PNG.write(gray, to: blocker + "/inside.png") }
    try PNG.write(Image(channels: 1, height: 1, width: 1, filledWith: 1), to: path)
    #expect(try PNG.read(path).values == [1])
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["file", "gray.png"])
  }
}

/// Grids and heat maps: sizes, placement, values in range, and the overlay's algebra.
@Suite struct ImageGridTests {
  @Test func tilesAreLaidOutRowByRow() {
    let black = Image(channels: 1, height: 2, width: 3, filledWith: 0)
    let red = Image(channels: 3, height: 2, width: 3, values: [1, 1, 1, 1, 1, 1] + [Float](repeating: 0, count: 12))
    let grid = ImageGrid.tile([black, red, black], columns: 2, scale: 2, padding: 1)
    // 2 rows of cells 4 × 6, 3 paddings of 1 each way.
    #expect((grid.channels, grid.height, grid.width) == (3, 2 * 4 + 3, 2 * 6 + 3))
    #expect(grid[0, 1, 1] == 0 && grid[1, 1, 1] == 0)             // black cell's first pixel
    #expect(grid[0, 1, 8] == 1 && grid[1, 1, 8] == 0)             // red cell (left = 1 + 6 + 1)
    #expect(grid[0, 0, 0] == 1 && grid[0, 6, 9] == 1)             // padding and the empty 4th cell are background
    #expect(grid[2, 6, 1] == 0 && grid[2, 9, 6] == 0)             // third image, second row
  }

  @Test func alphaIsShownOverWhite() {
    let half = Image(channels: 2, height: 1, width: 1, values: [0, 0.5])
    #expect(half.rgbOverWhite.values == [0.5, 0.5, 0.5])
  }

  @Test func svgEmbedsEveryCellWithItsCaption() throws {
    let images = [Image(channels: 1, height: 4, width: 4, filledWith: 64 / 255), Image(channels: 3, height: 4, width: 4, filledWith: 191 / 255)]
    let svg = try ImageGrid.svg(images, captions: [["input", "class 3"], ["counterfactual <1>"]], columns: 2, scale: 5, title: "A & B")
    #expect(svg.components(separatedBy: "<image ").count == 3)
    #expect(svg.contains("class=\"cell cell-1\"") && svg.contains("counterfactual &lt;1&gt;") && svg.contains("A &amp; B"))
    // The embedded PNGs decode to the images.
    let payloads = svg.components(separatedBy: "base64,").dropFirst().map { String($0.prefix { $0 != "\"" }) }
    #expect(try payloads.map { try PNG.decode(Data(base64Encoded: $0)!, source: "svg") } == images)
  }

  @Test func heatMapOverlayFollowsItsFormula() {
    let image = Image(channels: 1, height: 1, width: 3, values: [0, 0.5, 1])
    // alpha 0 leaves the image; alpha 1 gives the colours; values weigh the opacity on request.
    #expect(HeatMap.overlay([0, 0.5, 1], on: image, alpha: 0).values == image.rgbOverWhite.values)
    let full = HeatMap.overlay([0, 0.5, 1], on: image, alpha: 1)
    #expect(full.values == HeatMap.image([0, 0.5, 1], height: 1, width: 3).values)
    let weighed = HeatMap.overlay([0, 0.5, 1], on: image, colouring: .diverging, alpha: 1, weighByValue: true)
    #expect(weighed[0, 0, 0] == 0 && weighed[0, 0, 2] == HeatMap.colour(1, .diverging).0)
    #expect(abs(weighed[1, 0, 1] - (0.5 * 0.5 + 0.5 * HeatMap.colour(0.5, .diverging).1)) < 1e-6)
    // The ends of the maps: viridis from dark purple to yellow, diverging blue–white–red.
    #expect(HeatMap.colour(0, .viridis) == (0.267004, 0.004874, 0.329415) && HeatMap.colour(1, .viridis) == (0.993248, 0.906157, 0.143936))
    #expect(HeatMap.colour(0.5, .viridis) == (0.127568, 0.566949, 0.550556))
    #expect(HeatMap.colour(0, .diverging) == (1, 1, 1) && HeatMap.colour(-2, .diverging) == HeatMap.colour(-1, .diverging))
    // Extreme and NaN values stay in range.
    let wild = HeatMap.overlay([.nan, -.infinity, .infinity], on: image, colouring: .diverging, alpha: 0.7, weighByValue: true)
    #expect(wild.values.allSatisfy { $0 >= 0 && $0 <= 1 })
  }
}
