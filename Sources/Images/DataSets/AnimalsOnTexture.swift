// Animals on texture: the animal silhouettes pasted onto crops of real textures, for scoring
// saliency maps against the exact object mask (pointing game, energy inside the mask). A scene
// is 32 × 32 RGB: a 64 × 64 crop of one texture (grass, gravel or brick) seen at half
// resolution, in gray, and one silhouette scaled to 16…28 pixels, filled with a saturated colour
// of random hue, at a random position fully inside the image. The label is the animal's; the
// mask is the silhouette's exact subpixel coverage (4 × 4 per pixel). A silhouette pixel belongs
// to the animal when its bilinearly interpolated gray value is at least one half. Deterministic
// from the seed and the silhouettes given (pass a split's own, so test scenes show unseen shapes).

import Tensor

/// The animals-on-texture generator.
public enum AnimalsOnTexture {
  /// Generator version (recorded in manifests; bump when the rendering changes).
  public static let version = 1
  /// Image side.
  public static let size = 32
  /// Names of the per-image factors.
  public static let factorNames = ["texture", "silhouette", "hue", "side", "x", "y", "crop_x", "crop_y"]

  /// One scene's factors: texture index, silhouette index (in the set given), hue (of 12), the
  /// silhouette's side in pixels, its top-left corner, and the crop's top-left texel.
  public struct Scene: Sendable, Equatable {
    public var texture: Int, silhouette: Int, hue: Int, side: Int, x: Int, y: Int, cropX: Int, cropY: Int
    /// The factors as `factorNames` orders them.
    public var factors: [Int] { [texture, silhouette, hue, side, x, y, cropX, cropY] }
  }

  /// Draws one scene's factors.
  public static func scene(silhouettes: Int, textures: [Image], using rng: inout RandomGenerator) -> Scene {
    let texture = rng.nextInt(below: textures.count), side = 16 + rng.nextInt(below: 13)
    let t = textures[texture]
    return Scene(
      texture: texture, silhouette: rng.nextInt(below: silhouettes), hue: rng.nextInt(below: 12), side: side,
      x: rng.nextInt(below: size - side + 1), y: rng.nextInt(below: size - side + 1),
      cropX: rng.nextInt(below: t.width - 2 * size + 1), cropY: rng.nextInt(below: t.height - 2 * size + 1))
  }

  /// Renders a scene: interleaved RGB (32 × 32 × 3) and the object mask (32 × 32).
  public static func render(_ scene: Scene, silhouettes: ImageDataSet, textures: [Image]) -> (rgb: [UInt8], mask: [UInt8]) {
    precondition(silhouettes.channels == 1, "AnimalsOnTexture: silhouettes must be gray, got \(silhouettes.channels) channels")
    let texture = textures[scene.texture]
    let (h, w) = (silhouettes.height, silhouettes.width)
    let base = scene.silhouette * h * w
    let colour = SupersampledCanvas.hsv(Float(scene.hue) / 12, 0.85, 0.9)
    // The silhouette's gray value at a point in its own pixel units (bilinear, zero outside).
    func silhouette(_ u: Float, _ v: Float) -> Float {
      let (fu, fv) = (u - 0.5, v - 0.5)
      let (x0, y0) = (Int(fu.rounded(.down)), Int(fv.rounded(.down)))
      let (ax, ay) = (fu - Float(x0), fv - Float(y0))
      func at(_ x: Int, _ y: Int) -> Float {
        x >= 0 && x < w && y >= 0 && y < h ? Float(silhouettes.samples[base + y * w + x]) / 255 : 0
      }
      return (1 - ay) * ((1 - ax) * at(x0, y0) + ax * at(x0 + 1, y0)) + ay * ((1 - ax) * at(x0, y0 + 1) + ax * at(x0 + 1, y0 + 1))
    }
    let picture = SupersampledCanvas.render(width: size, height: size) { px, py in
      let (u, v) = ((px - Float(scene.x)) / Float(scene.side) * Float(w), (py - Float(scene.y)) / Float(scene.side) * Float(h))
      if u >= 0 && v >= 0 && u < Float(w) && v < Float(h) && silhouette(u, v) >= 0.5 { return (colour, 1) }
      // Half resolution: the point (px, py) reads texel (crop + 2·p).
      let g = texture[0, Swift.min(scene.cropY + Int(2 * py), texture.height - 1), Swift.min(scene.cropX + Int(2 * px), texture.width - 1)]
      return ((g, g, g), 0)
    }
    return (picture.rgb, picture.objectMask)
  }

  /// `count` scenes from `seed` with the animals of `silhouettes` (labels are theirs).
  public static func generate(count: Int, silhouettes: ImageDataSet, textures: [Image], seed: UInt64) -> ImageDataSet {
    precondition(!textures.isEmpty && silhouettes.count > 0, "AnimalsOnTexture: \(textures.count) textures, \(silhouettes.count) silhouettes")
    return ImageDataSet.generated(count: count, seed: seed, size: size, classNames: silhouettes.classNames, factorNames: factorNames) { _, rng in
      let s = scene(silhouettes: silhouettes.count, textures: textures, using: &rng)
      let (rgb, mask) = render(s, silhouettes: silhouettes, textures: textures)
      return GeneratedImage(rgb: rgb, mask: mask, label: silhouettes.labels[s.silhouette], factors: s.factors)
    }
  }
}
