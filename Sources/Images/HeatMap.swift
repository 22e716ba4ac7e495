// Heat maps over images (saliency, attributions, masks): a map of H × W values is coloured and
// blended over the image, so the image stays visible under it. Two colourings: viridis for
// magnitudes (perceptually uniform, readable in gray and by colour-blind viewers; here a
// piecewise-linear interpolation of matplotlib's table at 0, 0.1, …, 1) and a blue–white–red
// diverging map for signed values (blue negative, red positive, white zero).
//   overlay = (1 − α · w) · image + α · w · colour,   w = 1, or the normalised value itself
// when `weighByValue` (so that low values leave the image untouched).

/// Colourings and overlays of per-pixel maps.
public enum HeatMap {
  /// How values become colours.
  public enum Colouring: Sendable {
    /// Values in [0, 1] (clamped) on viridis.
    case viridis
    /// Values in [−1, 1] (clamped) on blue–white–red.
    case diverging
  }

  /// matplotlib's viridis at 0, 0.1, …, 1 (RGB in [0, 1]).
  static let viridisPoints: [(Float, Float, Float)] = [
    (0.267004, 0.004874, 0.329415), (0.282623, 0.140926, 0.457517), (0.253935, 0.265254, 0.529983), (0.206756, 0.371758, 0.553117),
    (0.163625, 0.471133, 0.558148), (0.127568, 0.566949, 0.550556), (0.134692, 0.658636, 0.517649), (0.266941, 0.748751, 0.440573),
    (0.477504, 0.821444, 0.318195), (0.741388, 0.873449, 0.149561), (0.993248, 0.906157, 0.143936),
  ]

  /// The colour of `value` (RGB in [0, 1]).
  public static func colour(_ value: Float, _ colouring: Colouring) -> (Float, Float, Float) {
    let v = value.isNaN ? 0 : value
    switch colouring {
    case .viridis:
      let t = Swift.min(1, Swift.max(0, v)) * Float(viridisPoints.count - 1)
      let i = Swift.min(Int(t), viridisPoints.count - 2), f = t - Float(i)
      if f == 0 || f == 1 { return viridisPoints[i + Int(f)] }
      let (a, b) = (viridisPoints[i], viridisPoints[i + 1])
      return (a.0 + (b.0 - a.0) * f, a.1 + (b.1 - a.1) * f, a.2 + (b.2 - a.2) * f)
    case .diverging:
      let s = Swift.min(1, Swift.max(-1, v))
      // Blue (0.13, 0.40, 0.67) ← white → red (0.70, 0.09, 0.17), linear on each side.
      let end: (Float, Float, Float) = s < 0 ? (0.13, 0.40, 0.67) : (0.70, 0.09, 0.17)
      let m = abs(s)
      return (1 + (end.0 - 1) * m, 1 + (end.1 - 1) * m, 1 + (end.2 - 1) * m)
    }
  }

  /// The map alone as an RGB image. Shapes: `map` height · width values, row-major.
  public static func image(_ map: [Float], height: Int, width: Int, colouring: Colouring = .viridis) -> Image {
    precondition(map.count == height * width, "HeatMap.image: \(map.count) values for \(height) × \(width)")
    var values = [Float](repeating: 0, count: 3 * height * width)
    for (p, v) in map.enumerated() {
      let (r, g, b) = colour(v, colouring)
      (values[p], values[height * width + p], values[2 * height * width + p]) = (Swift.min(1, Swift.max(0, r)), Swift.min(1, Swift.max(0, g)), Swift.min(1, Swift.max(0, b)))
    }
    return Image(channels: 3, height: height, width: width, values: values)
  }

  /// The map blended over `image` (shown as RGB over white) with opacity `alpha` ∈ [0, 1];
  /// with `weighByValue` each pixel's opacity is also scaled by |value| (clamped to 1).
  /// Shapes: `map` image.height · image.width values, row-major.
  public static func overlay(_ map: [Float], on image: Image, colouring: Colouring = .viridis, alpha: Float = 0.5, weighByValue: Bool = false) -> Image {
    precondition(map.count == image.height * image.width, "HeatMap.overlay: \(map.count) values for a \(image.height) × \(image.width) image")
    precondition(alpha >= 0 && alpha <= 1, "HeatMap.overlay: alpha \(alpha) is outside [0, 1]")
    let base = image.rgbOverWhite
    let plane = image.height * image.width
    var values = base.values
    for (p, v) in map.enumerated() {
      let colour = self.colour(v, colouring)
      let w = alpha * (weighByValue ? Swift.min(1, abs(v.isNaN ? 0 : v)) : 1)
      for (c, target) in [colour.0, colour.1, colour.2].enumerated() {
        values[c * plane + p] = Swift.min(1, Swift.max(0, (1 - w) * values[c * plane + p] + w * target))
      }
    }
    return Image(channels: 3, height: image.height, width: image.width, values: values)
  }
}
