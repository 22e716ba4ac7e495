// Shapes-modes: 32 × 32 RGB scenes whose positive class has exactly two modes, known per image,
// for testing whether an explanation method finds every reason a classifier has for a class
// (DISSECT's rule, as DifCluE evaluates it). A scene is a wall (upper part), a floor (lower part,
// below a horizon) and one object (square, circle or triangle) standing on the floor:
//   label = 1  iff  object red  OR  floor cyan   (never both: the modes are disjoint)
//   mode  = 1 (red object, floor not cyan), 2 (cyan floor, object not red), 0 (negative)
// Hues are 10 evenly spaced on the colour wheel (0 red … 5 cyan); wall, floor and object hues
// differ within a scene; object shape, scale and position vary. Positives are half the set,
// split evenly between the modes. Every scene is rendered at 4 × 4 subpixels per pixel and
// averaged (anti-aliasing); the object mask is its subpixel coverage. Deterministic from the seed.

import Tensor

/// The Shapes-modes generator.
public enum ShapesModes {
  /// Generator version (recorded in manifests; bump when the rendering changes).
  public static let version = 1
  /// Image side.
  public static let size = 32
  /// Class names by label.
  public static let classNames = ["negative", "positive"]
  /// Names of the per-image factors, in the order of `ImageDataSet.factors`.
  public static let factorNames = ["mode", "shape", "object_hue", "floor_hue", "wall_hue", "scale", "x", "y", "horizon"]
  /// The hue indices of the two modes.
  public static let red = 0, cyan = 5
  /// Shapes by factor value.
  public static let shapeNames = ["square", "circle", "triangle"]

  /// One scene's factors.
  public struct Scene: Sendable, Equatable {
    public var mode: Int, shape: Int, objectHue: Int, floorHue: Int, wallHue: Int, scale: Int, x: Int, y: Int, horizon: Int
    /// The factors as `factorNames` orders them.
    public var factors: [Int] { [mode, shape, objectHue, floorHue, wallHue, scale, x, y, horizon] }
    /// The label the rule gives.
    public var label: Int { objectHue == ShapesModes.red || floorHue == ShapesModes.cyan ? 1 : 0 }
  }

  /// Draws the factors of scene `index` (modes cycle 0, 1, 0, 2 so every block of four is
  /// balanced).
  public static func scene(index: Int, using rng: inout RandomGenerator) -> Scene {
    let mode = [0, 1, 0, 2][index % 4]
    func hue(excluding excluded: Set<Int>) -> Int {
      let allowed = (0..<10).filter { !excluded.contains($0) }
      return allowed[rng.nextInt(below: allowed.count)]
    }
    let objectHue: Int, floorHue: Int
    switch mode {
    case 1: objectHue = red; floorHue = hue(excluding: [red, cyan])
    case 2: floorHue = cyan; objectHue = hue(excluding: [red, cyan])
    default: objectHue = hue(excluding: [red]); floorHue = hue(excluding: [cyan, objectHue])
    }
    let wallHue = hue(excluding: [objectHue, floorHue])
    let scale = rng.nextInt(below: 4)              // object half-size 5, 6, 7 or 8 pixels
    let horizon = 13 + rng.nextInt(below: 5)       // floor starts at row 13…17
    let half = 5 + scale
    let x = half + 1 + rng.nextInt(below: size - 2 * half - 1)
    let y = Swift.max(horizon + 2, 24 - half + rng.nextInt(below: 3))   // object centre on the floor
    return Scene(mode: mode, shape: rng.nextInt(below: 3), objectHue: objectHue, floorHue: floorHue, wallHue: wallHue,
                 scale: scale, x: x, y: Swift.min(y, size - half - 1), horizon: horizon)
  }

  /// RGB of hue index `k` (of 10) at saturation `s` and value `v` (HSV).
  static func rgb(hue k: Int, saturation s: Float, value v: Float) -> RGB { SupersampledCanvas.hsv(Float(k) / 10, s, v) }

  /// Whether the point (px, py) in pixel units lies inside the scene's object.
  static func inside(_ scene: Scene, _ px: Float, _ py: Float) -> Bool {
    let half = Float(5 + scene.scale), dx = px - Float(scene.x), dy = py - Float(scene.y)
    switch scene.shape {
    case 0: return abs(dx) <= half && abs(dy) <= half
    case 1: return dx * dx + dy * dy <= half * half
    default:
      // Upright triangle: apex at (0, −half), base at dy = half from −half to half.
      guard dy <= half && dy >= -half else { return false }
      return abs(dx) <= (dy + half) / 2
    }
  }

  /// Renders a scene: interleaved RGB samples (32 × 32 × 3) and the object mask (32 × 32).
  public static func render(_ scene: Scene) -> (rgb: [UInt8], mask: [UInt8]) {
    let wall = rgb(hue: scene.wallHue, saturation: 0.45, value: 0.95)
    let floor = rgb(hue: scene.floorHue, saturation: 0.8, value: 0.75)
    let object = rgb(hue: scene.objectHue, saturation: 0.9, value: 0.95)
    let picture = SupersampledCanvas.render(width: size, height: size) { px, py in
      inside(scene, px, py) ? (object, 1) : (py < Float(scene.horizon) ? wall : floor, 0)
    }
    return (picture.rgb, picture.objectMask)
  }

  /// `count` scenes from `seed` as a data set (labels by the rule, masks, factors).
  public static func generate(count: Int, seed: UInt64) -> ImageDataSet {
    ImageDataSet.generated(count: count, seed: seed, size: size, classNames: classNames, factorNames: factorNames) { index, rng in
      let scene = scene(index: index, using: &rng)
      let (rgb, mask) = render(scene)
      return GeneratedImage(rgb: rgb, mask: mask, label: scene.label, factors: scene.factors)
    }
  }
}
