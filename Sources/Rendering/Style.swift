// House style: diff palettes, element colours, drawing options.

/// What happened to an atom/node or bond/edge between an original and a counterfactual.
public enum ChangeStatus: String, Sendable, Equatable, CaseIterable {
  /// Present in both, same label, charge and order.
  case unchanged
  /// Only in the counterfactual.
  case added
  /// Only in the original (drawn dashed).
  case removed
  /// In both, but element/charge or bond order differs.
  case changed

  /// The CSS class given to marked elements ("cf-added"); unchanged ones get none.
  public var cssClass: String? { self == .unchanged ? nil : "cf-\(rawValue)" }
}

/// Colours for diff marks.
public struct DiffPalette: Sendable, Equatable {
  /// Palette name for captions and legends.
  public var name: String
  /// Colour of unchanged bonds and labels.
  public var neutral: String
  /// Colour of added atoms/bonds.
  public var added: String
  /// Colour of removed atoms/bonds (also drawn dashed).
  public var removed: String
  /// Colour of changed atoms/bond orders.
  public var changed: String

  /// Green added (GRETEL 129,206,3 darkened for contrast), red removed, teal changed (exmol #1BBC9B).
  public static let standard = DiffPalette(
    name: "standard", neutral: "#222222", added: "#3C9A00", removed: "#E20404", changed: "#1BBC9B")
  /// Okabe–Ito colour-blind-safe: blue added, orange removed, reddish purple changed.
  public static let colorBlindSafe = DiffPalette(
    name: "colour-blind safe", neutral: "#222222", added: "#0072B2", removed: "#E69F00", changed: "#CC79A7")

  /// Colour for a status.
  public func color(for status: ChangeStatus) -> String {
    switch status {
    case .unchanged: return neutral
    case .added: return added
    case .removed: return removed
    case .changed: return changed
    }
  }
}

/// How aromatic rings are shown.
public enum AromaticStyle: String, Sendable, Equatable, CaseIterable {
  /// Alternating single and double strokes from the bonds' Kekulé orders.
  case kekule
  /// Single strokes plus a circle inside each aromatic ring.
  case circle
}

/// Options shared by all drawings.
public struct DrawingOptions: Sendable, Equatable {
  /// Length of one bond in molecule drawings, in points.
  public var bondLength: Double = 32
  /// Length of one edge in abstract graph drawings, in points (room for round nodes).
  public var edgeLength: Double = 58

  /// The unit length for a kind of drawing.
  func unitLength(for kind: DrawingKind) -> Double { kind == .molecule ? bondLength : edgeLength }
  /// Show node indices (small grey numbers on atoms, inside graph nodes).
  public var showIndices: Bool = false
  /// How aromatic rings are drawn.
  public var aromaticStyle: AromaticStyle = .kekule
  /// Colour heteroatom labels by element (N blue, O red, ...); otherwise all black.
  public var elementColors: Bool = true
  /// Colours for diffs.
  public var palette: DiffPalette = .standard
  /// Font for labels and captions.
  public var fontName: String = "Helvetica"
  /// Label font size in points.
  public var fontSize: Double = 13
  /// Layout search settings.
  public var layout: LayoutOptions = LayoutOptions()
  /// Largest node count drawn; larger inputs are refused with a clear error.
  public var maximumNodes: Int = DrawingLimits.maximumNodes

  /// Default options.
  public init() {}
}

/// Element colours for atom labels (a darkened Jmol/CPK scheme readable on white).
enum ElementColors {
  static func color(of symbol: String) -> String {
    switch symbol {
    case "N": return "#2233CC"
    case "O": return "#D01010"
    case "S": return "#A08000"
    case "P": return "#D06000"
    case "F", "Cl": return "#1A8A1A"
    case "Br": return "#8B2500"
    case "I": return "#6A0DAD"
    case "B": return "#C06060"
    default: return "#222222"
    }
  }
}
