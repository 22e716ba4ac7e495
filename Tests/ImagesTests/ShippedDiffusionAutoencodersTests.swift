import Foundation
@testable import Images
import NN
import Tensor
import Testing

/// Every shipped diffusion autoencoder (images/models/SET-diffae) loads with its checksum, has a
/// semantic encoder for its set's image size and classes, a training log whose last step is the
/// checkpoint's, and gives distinct finite codes to distinct images of its set.
@Suite struct ShippedDiffusionAutoencodersTests {
  static let models = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("images/models")

  @Test func everyShippedAutoencoderLoadsAndEncodes() throws {
    let names = try FileManager.default.contentsOfDirectory(atPath: Self.models.path).filter { $0.hasSuffix("-diffae") }.sorted()
    #expect(names == ["fashion-mnist-diffae", "shapes-modes-diffae"])
    for name in names {
      let directory = Self.models.appendingPathComponent(name)
      let (model, checksum) = try ImageDiffusionModel.load(from: directory)
      let c = model.configuration
      #expect(model.isAutoencoder && checksum.count == 64, "\(name)")
      let fashion = name.hasPrefix("fashion")
      let (channels, size) = fashion ? (1, 28) : (3, 32)
      #expect(c.height == size && c.width == size && c.encoder?.channels == channels, "\(name): image size")
      // Two different images of that size: a bright square on black, and a mid-grey field.
      let square = Image(channels: channels, height: size, width: size, values: (0..<(channels * size * size)).map { i in
        let (y, x) = ((i % (size * size)) / size, i % size)
        return (8..<20).contains(y) && (8..<20).contains(x) ? 0.9 : 0
      })
      let grey = Image(channels: channels, height: size, width: size, values: Array(repeating: 0.5, count: channels * size * size))
      #expect(c.classNames == (fashion ? FashionMNIST.classNames : ShapesModes.classNames), "\(name): classes")
      let log = try String(contentsOf: directory.appendingPathComponent("training-log.jsonl"), encoding: .utf8).split(separator: "\n")
      let last = try #require(try JSONSerialization.jsonObject(with: Data(log.last!.utf8)) as? [String: Any])
      #expect((last["validationLoss"] as? Double).map { $0.isFinite && $0 > 0 } == true, "\(name): log")
      let codes = model.semanticCodes(ImageBatch([square, grey]).tensor)
      #expect(codes.shape == [2, c.encoder!.latentWidth] && codes.scalars.allSatisfy(\.isFinite), "\(name): codes")
      let width = codes.shape[1]
      #expect(zip(codes.scalars[0..<width], codes.scalars[width...]).contains { $0 != $1 }, "\(name): two images, one code")
    }
  }
}
