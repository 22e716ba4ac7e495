// Looking at images: tiles of many images (inputs first, then counterfactuals, as every cfx grid
// orders them) as one PNG, and the same as an SVG page whose cells carry captions and classes
// users can restyle. Cells are enlarged by whole pixels (nearest neighbour), never smoothed: a
// 28 × 28 image stays a grid of visible pixels.

import Basics
import Foundation

/// Grids of images as PNG pixels or an SVG page.
public enum ImageGrid {
  /// The images (shown as RGB over white) tiled row by row, `columns` per row, each enlarged
  /// `scale` times, with `padding` pixels of `background` gray between and around the cells.
  /// Cells are as large as the largest image; smaller ones sit in their cell's top-left corner.
  public static func tile(_ images: [Image], columns: Int, scale: Int = 1, padding: Int = 2, background: Float = 1) -> Image {
    precondition(!images.isEmpty && columns >= 1 && scale >= 1 && padding >= 0, "ImageGrid.tile: \(images.count) images, \(columns) columns, scale \(scale), padding \(padding)")
    precondition(background >= 0 && background <= 1, "ImageGrid.tile: background \(background) is outside [0, 1]")
    let cellHeight = images.map(\.height).max()! * scale, cellWidth = images.map(\.width).max()! * scale
    let rows = (images.count + columns - 1) / columns, used = Swift.min(columns, images.count)
    let height = rows * cellHeight + (rows + 1) * padding, width = used * cellWidth + (used + 1) * padding
    var values = [Float](repeating: background, count: 3 * height * width)
    for (index, image) in images.enumerated() {
      let rgb = image.rgbOverWhite
      let top = padding + (index / columns) * (cellHeight + padding), left = padding + (index % columns) * (cellWidth + padding)
      for c in 0..<3 {
        for y in 0..<(image.height * scale) {
          for x in 0..<(image.width * scale) {
            values[(c * height + top + y) * width + left + x] = rgb[c, y / scale, x / scale]
          }
        }
      }
    }
    return Image(channels: 3, height: height, width: width, values: values)
  }

  /// An SVG page: each image as an embedded PNG cell (enlarged `scale` times, pixelated) with
  /// its caption lines below, `columns` per row, and an optional title. Cell i carries
  /// class "cell cell-i". Throws only if an image cannot be encoded.
  public static func svg(_ images: [Image], captions: [[String]], columns: Int, scale: Int = 1, title: String? = nil) throws(ImageError) -> String {
    precondition(!images.isEmpty && captions.count == images.count && columns >= 1 && scale >= 1,
                 "ImageGrid.svg: \(images.count) images, \(captions.count) captions, \(columns) columns")
    let lineHeight = 14, padding = 8
    let captionLines = captions.map(\.count).max() ?? 0
    let cellWidth = Swift.max(images.map(\.width).max()! * scale, 60), cellHeight = images.map(\.height).max()! * scale + captionLines * lineHeight + 4
    let titleHeight = title == nil ? 0 : 22
    let rows = (images.count + columns - 1) / columns, used = Swift.min(columns, images.count)
    let width = used * cellWidth + (used + 1) * padding, height = titleHeight + rows * cellHeight + (rows + 1) * padding
    var svg = """
      <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)" font-family="sans-serif" font-size="11">
      <rect width="100%" height="100%" fill="white"/>

      """
    if let title { svg += "<text class=\"title\" x=\"\(padding)\" y=\"16\" font-size=\"13\" font-weight=\"bold\">\(XMLText.escaped(title))</text>\n" }
    for (index, image) in images.enumerated() {
      let left = padding + (index % columns) * (cellWidth + padding), top = titleHeight + padding + (index / columns) * (cellHeight + padding)
      let png = try PNG.encode(image).base64EncodedString()
      svg += "<g class=\"cell cell-\(index)\">\n"
      svg += "<image x=\"\(left)\" y=\"\(top)\" width=\"\(image.width * scale)\" height=\"\(image.height * scale)\" style=\"image-rendering:pixelated\" href=\"data:image/png;base64,\(png)\"/>\n"
      for (line, text) in captions[index].enumerated() {
        svg += "<text x=\"\(left)\" y=\"\(top + image.height * scale + lineHeight * (line + 1))\">\(XMLText.escaped(text))</text>\n"
      }
      svg += "</g>\n"
    }
    return svg + "</svg>\n"
  }

}
