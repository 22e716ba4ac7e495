// Images as cfx computes with them: channels × height × width Float values in [0, 1], planar
// (channel-major, then rows top to bottom, then columns), the layout of a batch tensor
// [N, C, H, W]. One channel is gray, two gray + alpha, three RGB, four RGBA, as PNG stores them.
// Files hold 8-bit samples: value v is stored as round(255 · v), and sample s reads back as
// s / 255, so every value k / 255 survives a round trip exactly.

import Tensor

/// One image: `channels` × `height` × `width` values in [0, 1], planar (CHW).
public struct Image: Sendable, Equatable {
  /// Channels (1 gray, 2 gray + alpha, 3 RGB, 4 RGBA).
  public let channels: Int
  /// Rows.
  public let height: Int
  /// Columns.
  public let width: Int
  /// channels · height · width values in [0, 1]: value (c, y, x) at (c · height + y) · width + x.
  public private(set) var values: [Float]

  /// An image from planar values; traps on a size mismatch, a channel count outside 1…4, or a
  /// value outside [0, 1] (NaN included).
  public init(channels: Int, height: Int, width: Int, values: [Float]) {
    precondition((1...4).contains(channels) && height > 0 && width > 0, "Image: \(channels) channels × \(height) × \(width) is not an image")
    precondition(values.count == channels * height * width, "Image: \(values.count) values for \(channels) × \(height) × \(width)")
    precondition(values.allSatisfy { $0 >= 0 && $0 <= 1 }, "Image: values must lie in [0, 1]")
    (self.channels, self.height, self.width, self.values) = (channels, height, width, values)
  }

  /// A uniform image of `value` in every channel.
  public init(channels: Int, height: Int, width: Int, filledWith value: Float) {
    self.init(channels: channels, height: height, width: width, values: [Float](repeating: value, count: channels * height * width))
  }

  /// Value of channel `c` at row `y`, column `x`.
  public subscript(c: Int, y: Int, x: Int) -> Float {
    get { values[(c * height + y) * width + x] }
    set {
      precondition(newValue >= 0 && newValue <= 1, "Image: value \(newValue) is outside [0, 1]")
      values[(c * height + y) * width + x] = newValue
    }
  }

  /// The image from interleaved 8-bit samples (HWC, as files store them): s ↦ s / 255.
  public init(interleaved samples: [UInt8], channels: Int, height: Int, width: Int) {
    precondition(samples.count == channels * height * width, "Image: \(samples.count) samples for \(channels) × \(height) × \(width)")
    var planar = [Float](repeating: 0, count: samples.count)
    for y in 0..<height {
      for x in 0..<width {
        for c in 0..<channels { planar[(c * height + y) * width + x] = Float(samples[(y * width + x) * channels + c]) / 255 }
      }
    }
    self.init(channels: channels, height: height, width: width, values: planar)
  }

  /// Interleaved 8-bit samples (HWC): v ↦ round(255 · v).
  public var interleaved: [UInt8] {
    var samples = [UInt8](repeating: 0, count: values.count)
    for y in 0..<height {
      for x in 0..<width {
        for c in 0..<channels { samples[(y * width + x) * channels + c] = UInt8((values[(c * height + y) * width + x] * 255).rounded()) }
      }
    }
    return samples
  }

  /// The colour channels as RGB (gray repeated; alpha composited over white, as a viewer shows
  /// it: v · α + (1 − α)).
  public var rgbOverWhite: Image {
    let colour = channels >= 3 ? 3 : 1
    let alpha = channels == 2 || channels == 4 ? channels - 1 : nil
    var out = [Float](repeating: 0, count: 3 * height * width)
    for c in 0..<3 {
      for p in 0..<(height * width) {
        let v = values[(colour == 3 ? c : 0) * height * width + p]
        let a = alpha.map { values[$0 * height * width + p] } ?? 1
        out[c * height * width + p] = Swift.min(1, Swift.max(0, v * a + (1 - a)))
      }
    }
    return Image(channels: 3, height: height, width: width, values: out)
  }
}

/// Images of one size as a batch tensor [N, C, H, W], values in [0, 1].
public struct ImageBatch: Sendable {
  /// The tensor [N, C, H, W].
  public let tensor: Tensor

  /// The batch of `images` (all of one channel count and size; at least one).
  public init(_ images: [Image]) {
    precondition(!images.isEmpty, "ImageBatch: no images")
    let first = images[0]
    precondition(images.allSatisfy { ($0.channels, $0.height, $0.width) == (first.channels, first.height, first.width) },
                 "ImageBatch: images differ in size; first \(first.channels) × \(first.height) × \(first.width)")
    tensor = Tensor(shape: [images.count, first.channels, first.height, first.width], scalars: images.flatMap(\.values))
  }

  /// A batch from a tensor [N, C, H, W] with values in [0, 1].
  public init(tensor: Tensor) {
    precondition(tensor.shape.count == 4 && (1...4).contains(tensor.shape[1]), "ImageBatch: expected [N, C (1…4), H, W], got \(tensor.shape)")
    self.tensor = tensor
  }

  /// Number of images.
  public var count: Int { tensor.shape[0] }

  /// Image `index`; values are clamped into [0, 1] (a model's output may overshoot by rounding).
  public subscript(index: Int) -> Image {
    let (c, h, w) = (tensor.shape[1], tensor.shape[2], tensor.shape[3])
    let size = c * h * w
    let scalars = tensor.scalars
    let values = (0..<size).map { Swift.min(1, Swift.max(0, scalars[index * size + $0].isNaN ? 0 : scalars[index * size + $0])) }
    return Image(channels: c, height: h, width: w, values: values)
  }
}
