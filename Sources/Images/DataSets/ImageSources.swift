// The image sources that come from PyPI wheels, as scripts/fetch-image-sources.sh extracts them
// into ~/.cache/cfx/sources/: the animal silhouettes of animal-shape-mnist 0.39 (Mohammadi; MIT;
// two gzipped pickles of numpy arrays, read with cfx's restricted reader) and three natural
// textures of scikit-image 0.26.0 (BSD-3-Clause; 512 × 512 gray PNG). Every file is checked
// against the SHA-256 of those releases before it is read.

import Foundation
import Tensor

/// The animal silhouettes of PyPI animal-shape-mnist.
public enum AnimalSilhouettes {
  /// The release the checksums are of.
  public static let release = "animal-shape-mnist 0.39 (PyPI, MIT)"
  /// SHA-256 of each extracted file.
  public static let checksums = [
    "animal_data_version_3.gz": "68a30346781a0984f839463a4615d2decb899d1ce65091bb92586311754a34ce",
    "animal_label_version_3.gz": "dec8dba7c469830989fbab46825021a08a38470753a512f27ada847eced97b57",
  ]
  /// Class names by label (the package's description lists them in label order).
  public static let classNames = ["bear", "bird", "cat", "cow", "dog", "elephant", "giraffe", "horse", "sheep", "zebra"]

  /// All 10,000 silhouettes (28 × 28 gray) with their labels, after checking the files.
  public static func load(from directory: URL) throws(ImageError) -> ImageDataSet {
    let images = try ImageSourceFiles.pickledArray("animal_data_version_3.gz", in: directory, checksums: checksums, release: release)
    let labels = try ImageSourceFiles.pickledArray("animal_label_version_3.gz", in: directory, checksums: checksums, release: release)
    guard images.type == "u1", images.shape.count == 3, images.shape[1] == 28, images.shape[2] == 28, labels.shape == [images.shape[0]] else {
      throw .corrupt(file: directory.path, reason: "images \(images.type) \(images.shape) and labels \(labels.type) \(labels.shape) are not the silhouettes' shapes")
    }
    let values = try labels.integers()
    guard values.allSatisfy({ (0..<10).contains($0) }) else { throw .corrupt(file: directory.path, reason: "a label outside 0…9") }
    return ImageDataSet(classNames: classNames, channels: 1, height: 28, width: 28, samples: images.bytes, labels: values)
  }
}

/// Natural textures from the scikit-image wheel.
public enum Textures {
  /// The release the checksums are of.
  public static let release = "scikit-image 0.26.0 (PyPI, BSD-3-Clause)"
  /// Texture names, in the order of a texture factor.
  public static let names = ["grass", "gravel", "brick"]
  /// SHA-256 of each extracted PNG.
  public static let checksums = [
    "grass.png": "b6b6022426b38936c43a4ac09635cd78af074e90f42ffa8227ac8b7452d39f89",
    "gravel.png": "c48615b451bf1e606fbd72c0aa9f8cc0f068ab7111ef7d93bb9b0f2586440c12",
    "brick.png": "7966caf324f6ba843118d98f7a07746d22f6a343430add0233eca5f6eaaa8fcf",
  ]

  /// The three textures (gray), in the order of `names`, after checking the files.
  public static func load(from directory: URL) throws(ImageError) -> [Image] {
    try names.map { name throws(ImageError) in
      let path = try ImageSourceFiles.checked("\(name).png", in: directory, checksums: checksums, release: release)
      let image = try PNG.read(path.path)
      guard image.channels == 1, image.width >= 128, image.height >= 128 else {
        throw .corrupt(file: path.path, reason: "\(image.channels) channel(s), \(image.width) × \(image.height); expected a gray texture of at least 128 × 128")
      }
      return image
    }
  }
}

/// Checked access to the source files the sets are built from (PyPI extracts, Debian files).
enum ImageSourceFiles {
  /// The file's URL once its SHA-256 matches the release's; `fetch` says how to get the files.
  static func checked(_ name: String, in directory: URL, checksums: [String: String], release: String,
                      fetch: String = "run scripts/fetch-image-sources.sh (scripts/setup.sh does)") throws(ImageError) -> URL {
    let url = directory.appendingPathComponent(name)
    guard let digest = SHA256.hex(ofFile: url.path) else { throw .io(file: url.path, reason: "missing; \(fetch) to get \(release)") }
    guard digest == checksums[name] else {
      throw .corrupt(file: url.path, reason: "SHA-256 \(digest) is not that of \(release) (\(checksums[name] ?? "?")); \(fetch) again")
    }
    return url
  }

  /// The numpy array pickled (gzipped) in a checked file.
  static func pickledArray(_ name: String, in directory: URL, checksums: [String: String], release: String) throws(ImageError) -> NumpyArray {
    let url = try checked(name, in: directory, checksums: checksums, release: release)
    guard let data = FileManager.default.contents(atPath: url.path) else { throw .io(file: url.path, reason: "unreadable") }
    return try NumpyPickle.read(Array(try Gzip.decompress(data, source: url.path)), source: url.path)
  }
}
