// Attribute shapes: 32 × 32 RGB shapes whose class is a conjunction of known attributes, for
// scoring cluster explanations against the tags that generated them. Every image has five
// attributes (shape, colour, size, texture, outline); a class fixes two or three of them and the
// rest are drawn uniformly, redrawn while the image would also satisfy another class's
// conjunction, so every image satisfies exactly its own class's definition. The factors CSV holds
// every attribute value, so the 12 binary tags ("shape=circle", …) of each image are known.
// Rendered at 4 × 4 subpixels per pixel; deterministic from the seed.

import Tensor

/// The attribute-shapes generator.
public enum AttributeShapes {
  /// Generator version (recorded in manifests; bump when the rendering changes).
  public static let version = 1
  /// Image side.
  public static let size = 32
  /// The attributes and their values, in the order of the factors.
  public static let attributes: [(name: String, values: [String])] = [
    ("shape", ["circle", "square", "triangle"]), ("colour", ["red", "green", "blue"]), ("size", ["small", "large"]),
    ("texture", ["solid", "striped"]), ("outline", ["none", "outlined"]),
  ]
  /// The binary tags, "attribute=value", in attribute order.
  public static let tagNames = attributes.flatMap { a in a.values.map { "\(a.name)=\($0)" } }
  /// The classes: the attribute values each fixes (attribute index → value index).
  public static let classDefinitions: [[Int: Int]] = [
    [0: 0, 1: 0],            // circle, red
    [0: 0, 1: 2, 2: 1],      // circle, blue, large
    [0: 1, 3: 1],            // square, striped
    [0: 1, 3: 0, 4: 1],      // square, solid, outlined
    [0: 2, 1: 1],            // triangle, green
    [0: 2, 2: 0, 3: 0],      // triangle, small, solid
  ]
  /// Class names by label: the class's tags.
  public static let classNames = classDefinitions.map { d in d.keys.sorted().map { tagNames[tagIndex(attribute: $0, value: d[$0]!)] }.joined(separator: " ∧ ") }
  /// Names of the per-image factors: the five attributes, then the nuisances.
  public static let factorNames = attributes.map(\.name) + ["x", "y", "background"]

  /// The tag index of value `value` of attribute `attribute`.
  public static func tagIndex(attribute: Int, value: Int) -> Int { attributes.prefix(attribute).map(\.values.count).reduce(0, +) + value }

  /// The 12 binary tags of an image's attribute values.
  public static func tags(ofAttributes values: [Int]) -> [Bool] {
    var tags = [Bool](repeating: false, count: tagNames.count)
    for (a, v) in values.prefix(attributes.count).enumerated() { tags[tagIndex(attribute: a, value: v)] = true }
    return tags
  }

  /// The classes whose conjunction the attribute values satisfy.
  public static func classes(satisfiedBy values: [Int]) -> [Int] {
    classDefinitions.indices.filter { c in classDefinitions[c].allSatisfy { values[$0.key] == $0.value } }
  }

  /// One image's attributes and nuisances (background gray level index 0…3).
  public struct Item: Sendable, Equatable {
    public var attributes: [Int], x: Int, y: Int, background: Int
    /// The factors as `factorNames` orders them.
    public var factors: [Int] { attributes + [x, y, background] }
  }

  /// Draws one image of class `label`.
  public static func item(label: Int, using rng: inout RandomGenerator) -> Item {
    var values: [Int]
    repeat {
      values = attributes.map { rng.nextInt(below: $0.values.count) }
      for (a, v) in classDefinitions[label] { values[a] = v }
    } while classes(satisfiedBy: values) != [label]
    let half = values[2] == 0 ? 6 : 10
    return Item(attributes: values, x: half + 1 + rng.nextInt(below: size - 2 * half - 1), y: half + 1 + rng.nextInt(below: size - 2 * half - 1),
                background: rng.nextInt(below: 4))
  }

  /// Whether (dx, dy) from the centre lies inside shape `shape` of half-size `half`.
  static func inside(_ shape: Int, _ dx: Float, _ dy: Float, half: Float) -> Bool {
    guard half > 0 else { return false }
    switch shape {
    case 0: return dx * dx + dy * dy <= half * half
    case 1: return abs(dx) <= half * 0.85 && abs(dy) <= half * 0.85
    default:
      // Upright triangle, apex at −half, base at +0.7·half, centred on its centroid roughly.
      let top = -half, bottom = 0.7 * half
      guard dy >= top && dy <= bottom else { return false }
      return abs(dx) <= (dy - top) / (bottom - top) * half
    }
  }

  /// Renders an image: interleaved RGB (32 × 32 × 3) and the shape's mask (32 × 32).
  public static func render(_ item: Item) -> (rgb: [UInt8], mask: [UInt8]) {
    let a = item.attributes
    let half = Float(a[2] == 0 ? 6 : 10)
    let base = [SupersampledCanvas.hsv(0, 0.85, 0.9), SupersampledCanvas.hsv(1.0 / 3, 0.85, 0.75), SupersampledCanvas.hsv(2.0 / 3, 0.75, 0.9)][a[1]]
    let light: RGB = (base.red * 0.45 + 0.55, base.green * 0.45 + 0.55, base.blue * 0.45 + 0.55)
    let outline: RGB = (0.08, 0.08, 0.08)
    let g = 0.55 + 0.1 * Float(item.background)
    let picture = SupersampledCanvas.render(width: size, height: size) { px, py in
      let dx = px - Float(item.x), dy = py - Float(item.y)
      guard inside(a[0], dx, dy, half: half) else { return ((g, g, g), 0) }
      if a[4] == 1 && !inside(a[0], dx, dy, half: half - 1.5) { return (outline, 1) }
      // Stripes: diagonal bands 1.5 pixels wide.
      if a[3] == 1 && Int(((px + py) / 1.5).rounded(.down)) % 2 == 1 { return (light, 1) }
      return (base, 1)
    }
    return (picture.rgb, picture.objectMask)
  }

  /// `count` images from `seed`, classes cycling so every block of six is balanced.
  public static func generate(count: Int, seed: UInt64) -> ImageDataSet {
    ImageDataSet.generated(count: count, seed: seed, size: size, classNames: classNames, factorNames: factorNames) { index, rng in
      let label = index % classDefinitions.count
      let it = item(label: label, using: &rng)
      let (rgb, mask) = render(it)
      return GeneratedImage(rgb: rgb, mask: mask, label: label, factors: it.factors)
    }
  }
}
