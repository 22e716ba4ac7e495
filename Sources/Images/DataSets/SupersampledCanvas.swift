// Anti-aliased rendering of the generated sets: a scene is a function from a point (in pixel
// units, (0, 0) the top-left corner of the top-left pixel) to a colour and the index of the layer
// that owns the point (0: background; 1…: objects or object parts). Each pixel averages
// `subpixels` × `subpixels` evenly spaced samples (4 × 4 by default), so edges are smooth and
// every layer's coverage of a pixel is exact to 1/16. Deterministic: no randomness here. Also
// the assembly of a generated set from its images, shared by every generator.

import Tensor

/// An RGB colour with channels in [0, 1].
public typealias RGB = (red: Float, green: Float, blue: Float)

/// The renderer of the generated image sets.
public enum SupersampledCanvas {
  /// A rendered scene: interleaved RGB samples [H · W · 3], and per pixel the coverage of every
  /// layer 1..<layers scaled to 0…255 ([layers − 1][H · W]) and the layer covering most of it
  /// ([H · W], 0 where the background wins).
  public struct Rendering: Sendable {
    public var rgb: [UInt8]
    public var coverage: [[UInt8]]
    public var dominantLayer: [UInt8]
    /// Coverage of all layers but the background together, 0…255 ([H · W]).
    public var objectMask: [UInt8]
  }

  /// Renders `width` × `height` pixels of `scene` with `layers` layers (background included).
  public static func render(width: Int, height: Int, layers: Int = 2, subpixels: Int = 4, _ scene: (Float, Float) -> (colour: RGB, layer: Int)) -> Rendering {
    precondition(layers >= 1 && layers <= 255 && subpixels >= 1, "SupersampledCanvas: \(layers) layers, \(subpixels) subpixels")
    let n = Float(subpixels * subpixels), plane = width * height
    var rgb = [UInt8](repeating: 0, count: plane * 3), dominant = [UInt8](repeating: 0, count: plane), object = [UInt8](repeating: 0, count: plane)
    var coverage = [[UInt8]](repeating: [UInt8](repeating: 0, count: plane), count: layers - 1)
    var counts = [Int](repeating: 0, count: layers)
    for y in 0..<height {
      for x in 0..<width {
        var sum: (Float, Float, Float) = (0, 0, 0)
        for l in 0..<layers { counts[l] = 0 }
        for sy in 0..<subpixels {
          for sx in 0..<subpixels {
            let px = Float(x) + (Float(sx) + 0.5) / Float(subpixels), py = Float(y) + (Float(sy) + 0.5) / Float(subpixels)
            let (colour, layer) = scene(px, py)
            precondition(layer >= 0 && layer < layers, "SupersampledCanvas: layer \(layer) outside 0..<\(layers)")
            counts[layer] += 1
            sum = (sum.0 + colour.red, sum.1 + colour.green, sum.2 + colour.blue)
          }
        }
        let p = y * width + x
        rgb[p * 3] = byte(sum.0 / n)
        rgb[p * 3 + 1] = byte(sum.1 / n)
        rgb[p * 3 + 2] = byte(sum.2 / n)
        var best = 0
        for l in 1..<layers {
          coverage[l - 1][p] = byte(Float(counts[l]) / n)
          if counts[l] > counts[best] { best = l }
        }
        dominant[p] = UInt8(best)
        object[p] = byte(Float(Int(n) - counts[0]) / n)
      }
    }
    return Rendering(rgb: rgb, coverage: coverage, dominantLayer: dominant, objectMask: object)
  }

  /// A value in [0, 1] as the nearest 8-bit sample (clamped).
  static func byte(_ v: Float) -> UInt8 { UInt8((Swift.min(Swift.max(v, 0), 1) * 255).rounded()) }

  /// RGB of hue `h` in turns ([0, 1)) at saturation `s` and value `v` (HSV).
  public static func hsv(_ h: Float, _ s: Float, _ v: Float) -> RGB {
    let scaled = (h - h.rounded(.down)) * 6
    let sector = Int(scaled) % 6, f = scaled - Float(Int(scaled))
    let (p, q, t) = (v * (1 - s), v * (1 - s * f), v * (1 - s * (1 - f)))
    switch sector {
    case 0: return (v, t, p)
    case 1: return (q, v, p)
    case 2: return (p, v, t)
    case 3: return (p, q, v)
    case 4: return (t, p, v)
    default: return (v, p, q)
    }
  }
}

/// One generated image: interleaved RGB, its object mask, optionally each pixel's part, its
/// label and the factors that made it.
public struct GeneratedImage: Sendable {
  public var rgb: [UInt8], mask: [UInt8], parts: [UInt8]?, label: Int, factors: [Int]
  /// An image record.
  public init(rgb: [UInt8], mask: [UInt8], parts: [UInt8]? = nil, label: Int, factors: [Int]) {
    (self.rgb, self.mask, self.parts, self.label, self.factors) = (rgb, mask, parts, label, factors)
  }
}

extension ImageDataSet {
  /// A generated set of `count` RGB images of side `size`: image i is `draw(i, &rng)` with one
  /// generator seeded by `seed` serving every image in order.
  static func generated(count: Int, seed: UInt64, size: Int, classNames: [String], factorNames: [String], partNames: [String] = [],
                        draw: (Int, inout RandomGenerator) -> GeneratedImage) -> ImageDataSet {
    var rng = RandomGenerator(seed: seed)
    var samples: [UInt8] = [], masks: [UInt8] = [], parts: [UInt8] = [], labels: [Int] = [], factors: [[Int]] = []
    samples.reserveCapacity(count * size * size * 3)
    for index in 0..<count {
      let image = draw(index, &rng)
      samples += image.rgb
      masks += image.mask
      parts += image.parts ?? []
      labels.append(image.label)
      factors.append(image.factors)
    }
    return ImageDataSet(
      classNames: classNames, channels: 3, height: size, width: size, samples: samples, labels: labels, masks: masks,
      parts: partNames.isEmpty ? nil : parts, partNames: partNames, factorNames: factorNames, factors: factors)
  }
}
