// Labelled image sets as cfx stores them: per split, IDX files of 8-bit samples (images
// [N, H, W] or [N, H, W, C], labels [N], optional masks [N, H, W]) plus a CSV of the factors that
// generated each image (for generated sets: the ground truth explanations are scored against),
// and one manifest.json for the set (classes, sizes, counts, checksums, where the data came from).

import Basics
import Foundation
import Tensor

/// One split of a labelled image set, in memory.
public struct ImageDataSet: Sendable {
  /// Class names, by label.
  public var classNames: [String]
  /// Channels (1 or 3), rows and columns of every image.
  public var channels: Int, height: Int, width: Int
  /// N · H · W · C samples, interleaved per pixel (as IDX and PNG store them).
  public var samples: [UInt8]
  /// The label of each image.
  public var labels: [Int]
  /// Optional N · H · W mask samples (255: the object, 0: background; generated sets).
  public var masks: [UInt8]?
  /// Optional N · H · W part indices (which part of the object covers most of each pixel;
  /// 0 is the background) and the parts' names by index.
  public var parts: [UInt8]?
  public var partNames: [String]
  /// Optional factors per image: column names and one row of integers per image.
  public var factorNames: [String]
  public var factors: [[Int]]

  /// A set; traps when the parts disagree in size.
  public init(classNames: [String], channels: Int, height: Int, width: Int, samples: [UInt8], labels: [Int], masks: [UInt8]? = nil,
              parts: [UInt8]? = nil, partNames: [String] = [], factorNames: [String] = [], factors: [[Int]] = []) {
    let n = labels.count
    precondition(channels == 1 || channels == 3, "ImageDataSet: \(channels) channels; sets are gray or RGB")
    precondition(samples.count == n * height * width * channels, "ImageDataSet: \(samples.count) samples for \(n) × \(height) × \(width) × \(channels)")
    precondition(masks.map { $0.count == n * height * width } ?? true, "ImageDataSet: masks do not match \(n) images")
    precondition(parts.map { $0.count == n * height * width && $0.allSatisfy { Int($0) < partNames.count } } ?? true, "ImageDataSet: parts do not match \(n) images and \(partNames.count) part names")
    precondition(factors.isEmpty || (factors.count == n && factors.allSatisfy { $0.count == factorNames.count }), "ImageDataSet: factors do not match")
    precondition(labels.allSatisfy { $0 >= 0 && $0 < classNames.count }, "ImageDataSet: a label is outside 0..<\(classNames.count)")
    (self.classNames, self.channels, self.height, self.width, self.samples, self.labels) = (classNames, channels, height, width, samples, labels)
    (self.masks, self.parts, self.partNames, self.factorNames, self.factors) = (masks, parts, partNames, factorNames, factors)
  }

  /// Number of images.
  public var count: Int { labels.count }

  /// Image `index`.
  public func image(_ index: Int) -> Image {
    let size = height * width * channels
    return Image(interleaved: Array(samples[index * size..<(index + 1) * size]), channels: channels, height: height, width: width)
  }

  /// The images at `indices` as a batch tensor [n, C, H, W] with values s / 255 in [0, 1].
  public func batch(_ indices: [Int]) -> Tensor {
    let plane = height * width, size = plane * channels
    var values = [Float](repeating: 0, count: indices.count * size)
    for (slot, index) in indices.enumerated() {
      let source = index * size, target = slot * size
      for p in 0..<plane {
        for c in 0..<channels { values[target + c * plane + p] = Float(samples[source + p * channels + c]) / 255 }
      }
    }
    return Tensor(shape: [indices.count, channels, height, width], scalars: values)
  }

  /// Images per class.
  public var classCounts: [Int] {
    var counts = [Int](repeating: 0, count: classNames.count)
    for label in labels { counts[label] += 1 }
    return counts
  }

  /// The subset at `indices`, in that order.
  public func subset(_ indices: [Int]) -> ImageDataSet {
    let size = height * width * channels, plane = height * width
    return ImageDataSet(
      classNames: classNames, channels: channels, height: height, width: width,
      samples: indices.flatMap { samples[$0 * size..<($0 + 1) * size] }, labels: indices.map { labels[$0] },
      masks: masks.map { m in indices.flatMap { m[$0 * plane..<($0 + 1) * plane] } },
      parts: parts.map { m in indices.flatMap { m[$0 * plane..<($0 + 1) * plane] } }, partNames: partNames, factorNames: factorNames, factors: factors.isEmpty ? [] : indices.map { factors[$0] })
  }

  // MARK: Files

  /// The files of split `split` in `directory`: images, labels, masks, parts and factors.
  public static func files(_ split: String, in directory: URL) -> (images: URL, labels: URL, masks: URL, parts: URL, factors: URL) {
    (directory.appendingPathComponent("\(split)-images.idx"), directory.appendingPathComponent("\(split)-labels.idx"),
     directory.appendingPathComponent("\(split)-masks.idx"), directory.appendingPathComponent("\(split)-parts.idx"),
     directory.appendingPathComponent("\(split)-factors.csv"))
  }

  /// Writes the split's files (atomically each) and returns their SHA-256 by file name.
  public func write(split: String, to directory: URL) throws(ImageError) -> [String: String] {
    let f = Self.files(split, in: directory)
    let imageShape = channels == 1 ? [count, height, width] : [count, height, width, channels]
    var written: [(URL, Data)] = [
      (f.images, IDXArray(shape: imageShape, bytes: samples).encoded),
      (f.labels, IDXArray(shape: [count], bytes: labels.map { UInt8($0) }).encoded),
    ]
    if let masks { written.append((f.masks, IDXArray(shape: [count, height, width], bytes: masks).encoded)) }
    if let parts { written.append((f.parts, IDXArray(shape: [count, height, width], bytes: parts).encoded)) }
    if !factorNames.isEmpty {
      let csv = ([factorNames.joined(separator: ",")] + factors.map { $0.map(String.init).joined(separator: ",") }).joined(separator: "\n") + "\n"
      written.append((f.factors, Data(csv.utf8)))
    }
    var checksums: [String: String] = [:]
    for (url, data) in written {
      do { try AtomicFile.write(data, to: url) } catch { throw .io(file: url.path, reason: "cannot write (\(error.localizedDescription))") }
      checksums[url.lastPathComponent] = SHA256.hex([UInt8](data))
    }
    return checksums
  }

  /// Reads split `split` from `directory` with the manifest's class names (and part names, where
  /// the set has part masks), checking that the files agree with each other.
  public static func read(split: String, from directory: URL, classNames: [String], partNames: [String] = []) throws(ImageError) -> ImageDataSet {
    let f = files(split, in: directory)
    let images = try IDXArray.read(f.images.path), labels = try IDXArray.read(f.labels.path)
    guard images.shape.count == 3 || (images.shape.count == 4 && [1, 3].contains(images.shape[3])) else {
      throw .corrupt(file: f.images.path, reason: "image array of shape \(images.shape); expected [N, H, W] or [N, H, W, 1 or 3]")
    }
    guard labels.shape == [images.shape[0]] else {
      throw .corrupt(file: f.labels.path, reason: "\(labels.shape) labels for \(images.shape[0]) images")
    }
    if let bad = labels.bytes.first(where: { Int($0) >= classNames.count }) {
      throw .corrupt(file: f.labels.path, reason: "label \(bad) outside the set's \(classNames.count) classes")
    }
    var masks: [UInt8]? = nil
    if FileManager.default.fileExists(atPath: f.masks.path) {
      let m = try IDXArray.read(f.masks.path)
      guard m.shape == Array(images.shape.prefix(3)) else { throw .corrupt(file: f.masks.path, reason: "masks of shape \(m.shape) for images \(images.shape)") }
      masks = m.bytes
    }
    var parts: [UInt8]? = nil
    if FileManager.default.fileExists(atPath: f.parts.path) {
      let m = try IDXArray.read(f.parts.path)
      guard m.shape == Array(images.shape.prefix(3)) else { throw .corrupt(file: f.parts.path, reason: "parts of shape \(m.shape) for images \(images.shape)") }
      if let bad = m.bytes.first(where: { Int($0) >= partNames.count }) {
        throw .corrupt(file: f.parts.path, reason: "part \(bad) outside the set's \(partNames.count) parts")
      }
      parts = m.bytes
    }
    var names: [String] = [], rows: [[Int]] = []
    if let text = try? String(contentsOf: f.factors, encoding: .utf8) {
      let lines = text.split(separator: "\n")
      names = lines.first.map { $0.split(separator: ",").map(String.init) } ?? []
      for (number, line) in lines.dropFirst().enumerated() {
        let values = line.split(separator: ",").compactMap { Int($0) }
        guard values.count == names.count else { throw .corrupt(file: f.factors.path, reason: "line \(number + 2) has \(values.count) of \(names.count) values") }
        rows.append(values)
      }
      guard rows.count == images.shape[0] else { throw .corrupt(file: f.factors.path, reason: "\(rows.count) rows for \(images.shape[0]) images") }
    }
    return ImageDataSet(
      classNames: classNames, channels: images.shape.count == 4 ? images.shape[3] : 1, height: images.shape[1], width: images.shape[2],
      samples: images.bytes, labels: labels.bytes.map(Int.init), masks: masks, parts: parts, partNames: parts == nil ? [] : partNames,
      factorNames: names, factors: rows)
  }
}
