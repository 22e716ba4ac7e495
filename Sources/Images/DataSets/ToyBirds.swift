// Toy birds with parts: 32 × 32 RGB birds whose class is a combination of part attributes, for
// scoring misclassification explanations: between two classes that differ in one part, the part
// that should explain the error is known, and the generator writes every pixel's part and the
// keypoints. A bird is a body (ellipse), a head (circle, with an eye), a beak (short, long or
// hooked), a tail (fan, fork or pointed) and a wing (plain, with a bar, or spotted), facing left
// or right, at a random position, scale and colour on a pale sky. Parts overlap in the order
// beak, head, wing, body, tail (the first one wins). Rendered at 4 × 4 subpixels per pixel;
// deterministic from the seed.
//
// The eight classes are chosen in pairs that differ in exactly one part (class 0 vs 1, 2 and 3;
// class 4 vs 5, 6 and 7), so a confusion between such a pair has one right answer.

import Tensor

/// The toy-birds generator.
public enum ToyBirds {
  /// Generator version (recorded in manifests; bump when the rendering changes).
  public static let version = 1
  /// Image side.
  public static let size = 32
  /// Part attribute values.
  public static let beaks = ["short", "long", "hooked"], tails = ["fan", "fork", "pointed"], wings = ["plain", "bar", "spots"]
  /// The classes: (beak, tail, wing) indices.
  public static let classParts: [(beak: Int, tail: Int, wing: Int)] = [
    (0, 0, 0), (1, 0, 0), (0, 1, 0), (0, 0, 1),
    (2, 2, 2), (2, 1, 2), (2, 2, 1), (1, 2, 2),
  ]
  /// Class names by label: the parts that define the class.
  public static let classNames = classParts.map { "\(beaks[$0.beak]) beak, \(tails[$0.tail]) tail, \(wings[$0.wing]) wing" }
  /// Part names by part index in the part masks (0: background).
  public static let partNames = ["background", "body", "head", "beak", "tail", "wing"]

  /// The part (index in `partNames`) in which classes `a` and `b` differ, if they differ in
  /// exactly one.
  public static func differingPart(_ a: Int, _ b: Int) -> Int? {
    precondition(classParts.indices.contains(a) && classParts.indices.contains(b), "ToyBirds.differingPart: classes \(a), \(b) of \(classParts.count)")
    let (x, y) = (classParts[a], classParts[b])
    let differing = [(x.beak != y.beak, 3), (x.tail != y.tail, 4), (x.wing != y.wing, 5)].filter(\.0)
    return differing.count == 1 ? differing[0].1 : nil
  }
  /// Names of the per-image factors: the class's parts, the nuisances, and the keypoints (pixel
  /// coordinates, rounded) of the beak tip, the tail tip and the eye.
  public static let factorNames = [
    "beak", "tail", "wing", "facing_left", "body_hue", "sky_hue", "scale", "x", "y",
    "beak_tip_x", "beak_tip_y", "tail_tip_x", "tail_tip_y", "eye_x", "eye_y",
  ]

  /// One bird's factors: scale index 0…3 (k = 0.7, 0.78, 0.86, 0.94) and the body's centre.
  public struct Bird: Sendable, Equatable {
    public var label: Int, facingLeft: Bool, bodyHue: Int, skyHue: Int, scale: Int, x: Int, y: Int
    var k: Float { 0.7 + 0.08 * Float(scale) }
    var parts: (beak: Int, tail: Int, wing: Int) { ToyBirds.classParts[label] }
  }

  /// Draws one bird of class `label`, placed so that the whole bird lies inside the picture
  /// (half a pixel from every edge).
  public static func bird(label: Int, using rng: inout RandomGenerator) -> Bird {
    var bird = Bird(label: label, facingLeft: rng.nextInt(below: 2) == 1, bodyHue: rng.nextInt(below: 12), skyHue: rng.nextInt(below: 12),
                    scale: rng.nextInt(below: 4), x: 0, y: 0)
    let g = Geometry(bird: bird, k: bird.k, cx: 0, cy: 0)
    // Extents relative to the body's centre: the tail tip behind, the beak tip (or the head)
    // in front, the head's top above, the body's bottom below.
    let (back, front) = (-g.tailTip.0, Swift.max(g.beakTip.0, g.head.0 + 3.8 * bird.k))
    let (top, bottom) = (-(g.head.1 - 3.8 * bird.k), 5 * bird.k)
    func position(_ before: Float, _ after: Float) -> Int {
      let (low, high) = (Int((0.5 + before).rounded(.up)), Int((Float(size) - 0.5 - after).rounded(.down)))
      return high >= low ? low + rng.nextInt(below: high - low + 1) : size / 2
    }
    // Facing left mirrors about the centre, so the free range is the same, mirrored.
    bird.x = bird.facingLeft ? position(front, back) : position(back, front)
    bird.y = position(top, bottom)
    return bird
  }

  /// Beak length and its centre line's drop at distance u (hooked beaks curl down).
  static func beakShape(_ kind: Int, k: Float) -> (length: Float, halfWidth: Float, drop: (Float) -> Float) {
    switch kind {
    case 0: return (3 * k, 1.4 * k, { _ in 0 })
    case 1: return (6.5 * k, 1.3 * k, { _ in 0 })
    default:
      let length = 4.5 * k
      return (length, 1.5 * k, { u in 2 * k * (u / length) * (u / length) })
    }
  }

  /// The geometry of a bird facing right with its body centred at (cx, cy): which part owns
  /// point (px, py), and the keypoints.
  struct Geometry {
    let bird: Bird
    let k: Float, cx: Float, cy: Float
    var head: (Float, Float) { (cx + 7 * k, cy - 4.5 * k) }
    var eye: (Float, Float) { (head.0 + 1.2 * k, head.1 - 0.6 * k) }
    var beakBase: (Float, Float) { (head.0 + 3.2 * k, head.1 + 0.3 * k) }
    var tailBase: (Float, Float) { (cx - 7.5 * k, cy - 0.5 * k) }
    var tailLength: Float { [7 * k, 7.5 * k, 9 * k][bird.parts.tail] }
    var beakTip: (Float, Float) {
      let shape = ToyBirds.beakShape(bird.parts.beak, k: k)
      return (beakBase.0 + shape.length, beakBase.1 + shape.drop(shape.length))
    }
    var tailTip: (Float, Float) { (tailBase.0 - tailLength, tailBase.1) }

    /// Whether (dx, dy) lies in the axis-aligned ellipse of semi-axes a and b.
    static func inEllipse(_ dx: Float, _ dy: Float, _ a: Float, _ b: Float) -> Bool {
      let (u, v) = (dx / a, dy / b)
      return u * u + v * v <= 1
    }

    /// Part index (ToyBirds.partNames) at a point, and whether a wing point is patterned.
    func part(_ px: Float, _ py: Float) -> (part: Int, pattern: Bool) {
      // Beak: a band along its centre line from just inside the head, narrowing to a point over
      // its last 40 %.
      let beak = ToyBirds.beakShape(bird.parts.beak, k: k)
      let u = px - beakBase.0
      if u >= -k && u <= beak.length {
        let taper = beak.halfWidth * Swift.min(1, 2.5 * (1 - Swift.max(u, 0) / beak.length))
        if abs(py - beakBase.1 - beak.drop(Swift.max(u, 0))) <= taper { return (3, false) }
      }
      let (hx, hy) = head, r = 3.8 * k
      if Self.inEllipse(px - hx, py - hy, r, r) { return (2, false) }
      // Wing: an ellipse on the body; the bar is a vertical band, the spots three dots.
      let (wx, wy, wa, wb) = (cx - k, cy - 0.3 * k, 5 * k, 2.8 * k)
      if Self.inEllipse(px - wx, py - wy, wa, wb) {
        switch bird.parts.wing {
        case 1: return (5, abs(px - (wx + 0.5 * k)) <= 1.1 * k)
        case 2:
          let offsets: [Float] = [-2.4 * k, 0, 2.4 * k]
          let spotted = offsets.contains { dx in Self.inEllipse(px - wx - dx, py - wy, 0.8 * k, 0.8 * k) }
          return (5, spotted)
        default: return (5, false)
        }
      }
      if Self.inEllipse(px - cx, py - cy, 8 * k, 5 * k) { return (1, false) }
      // Tail, pointing backwards from the body: a fan (a widening wedge with a round end), a
      // fork (two prongs) or a pointed spike.
      let t = tailBase.0 - px, v = py - tailBase.1
      if t >= 0 && t <= tailLength {
        switch bird.parts.tail {
        case 0: if abs(v) <= 0.9 * k + 0.75 * t && t * t + v * v <= tailLength * tailLength { return (4, false) }
        case 1: if (t <= 2 * k && abs(v) <= 1.5 * k) || abs(abs(v) - 0.55 * t) <= 0.9 * k { return (4, false) }
        default: if abs(v) <= 1.6 * k * (1 - t / tailLength) { return (4, false) }
        }
      }
      return (0, false)
    }
  }

  /// Renders a bird: interleaved RGB (32 × 32 × 3), the bird's mask, the part of every pixel
  /// (the part covering most of it), and the factors.
  public static func render(_ bird: Bird) -> (rgb: [UInt8], mask: [UInt8], parts: [UInt8], factors: [Int]) {
    let geometry = Geometry(bird: bird, k: bird.k, cx: Float(bird.x), cy: Float(bird.y))
    let hue = Float(bird.bodyHue) / 12
    let body = SupersampledCanvas.hsv(hue, 0.6, 0.75), tail = SupersampledCanvas.hsv(hue, 0.6, 0.5)
    let wing = SupersampledCanvas.hsv(hue, 0.65, 0.5), pattern = SupersampledCanvas.hsv(hue, 0.1, 0.98)
    let beak = SupersampledCanvas.hsv(0.11, 0.9, 0.95), eye: RGB = (0.05, 0.05, 0.05)
    let sky = SupersampledCanvas.hsv(Float(bird.skyHue) / 12, 0.15, 0.95)
    // Facing left mirrors the scene about the body's vertical axis.
    func mirrored(_ px: Float) -> Float { bird.facingLeft ? 2 * geometry.cx - px : px }
    let picture = SupersampledCanvas.render(width: size, height: size, layers: partNames.count) { px, py in
      let x = mirrored(px)
      let (part, patterned) = geometry.part(x, py)
      switch part {
      case 1: return (body, 1)
      case 2:
        let (ex, ey) = geometry.eye
        return (Geometry.inEllipse(x - ex, py - ey, 0.9 * geometry.k, 0.9 * geometry.k) ? eye : body, 2)
      case 3: return (beak, 3)
      case 4: return (tail, 4)
      case 5: return (patterned ? pattern : wing, 5)
      default: return (sky, 0)
      }
    }
    // A point lies in the pixel whose square holds it: pixel x covers [x, x + 1).
    func point(_ p: (Float, Float)) -> [Int] { [Int(mirrored(p.0).rounded(.down)), Int(p.1.rounded(.down))] }
    let parts = bird.parts
    let factors = [parts.beak, parts.tail, parts.wing, bird.facingLeft ? 1 : 0, bird.bodyHue, bird.skyHue, bird.scale, bird.x, bird.y]
      + point(geometry.beakTip) + point(geometry.tailTip) + point(geometry.eye)
    return (picture.rgb, picture.objectMask, picture.dominantLayer, factors)
  }

  /// `count` birds from `seed`, classes cycling so every block of eight is balanced.
  public static func generate(count: Int, seed: UInt64) -> ImageDataSet {
    ImageDataSet.generated(count: count, seed: seed, size: size, classNames: classNames, factorNames: factorNames, partNames: partNames) { index, rng in
      let b = bird(label: index % classParts.count, using: &rng)
      let r = render(b)
      return GeneratedImage(rgb: r.rgb, mask: r.mask, parts: r.parts, label: b.label, factors: r.factors)
    }
  }
}
