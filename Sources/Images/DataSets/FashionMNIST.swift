// Fashion-MNIST (Xiao, Rasul and Vollgraf 2017; MIT licence) as Debian's package
// dataset-fashion-mnist installs it: four gzipped IDX files, 60,000 training and 10,000 test
// images of 28 × 28 gray, 10 balanced classes. The files are checked against the SHA-256 of the
// package version cfx was built with before they are read.

import Foundation
import Tensor

/// Reading Fashion-MNIST from its Debian package.
public enum FashionMNIST {
  /// Where the Debian package puts the files.
  public static let defaultDirectory = URL(fileURLWithPath: "/usr/share/datasets/fashion-mnist")
  /// The Debian package version whose files the checksums below are of.
  public static let packageVersion = "dataset-fashion-mnist 0.0~git20200523.55506a9-1 (Debian 12)"
  /// SHA-256 of each gzipped file of that package version.
  public static let checksums = [
    "train-images-idx3-ubyte.gz": "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7",
    "train-labels-idx1-ubyte.gz": "0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056",
    "t10k-images-idx3-ubyte.gz": "cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa",
    "t10k-labels-idx1-ubyte.gz": "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05",
  ]
  /// Class names by label (the data set's documentation).
  public static let classNames = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]

  /// The training (`train`) or test (`t10k`) split, after checking the files' checksums.
  public static func load(_ split: String, from directory: URL = defaultDirectory) throws(ImageError) -> ImageDataSet {
    precondition(split == "train" || split == "t10k", "FashionMNIST.load: split is train or t10k, got \(split)")
    var arrays: [IDXArray] = []
    for kind in ["images-idx3", "labels-idx1"] {
      let name = "\(split)-\(kind)-ubyte.gz"
      let url = try ImageSourceFiles.checked(name, in: directory, checksums: checksums, release: packageVersion,
                                             fetch: "install it with `apt-get install dataset-fashion-mnist` (scripts/setup.sh does)")
      let path = url.path
      guard let data = FileManager.default.contents(atPath: path) else { throw .io(file: path, reason: "unreadable") }
      arrays.append(try IDXArray.parse(Gzip.decompress(data, source: path), source: path))
    }
    let (images, labels) = (arrays[0], arrays[1])
    guard images.shape.count == 3, images.shape[1] == 28, images.shape[2] == 28, labels.shape == [images.shape[0]] else {
      throw .corrupt(file: directory.path, reason: "\(split): images \(images.shape) and labels \(labels.shape) are not Fashion-MNIST's shapes")
    }
    guard labels.bytes.allSatisfy({ $0 < 10 }) else { throw .corrupt(file: directory.path, reason: "\(split): a label outside 0…9") }
    return ImageDataSet(classNames: classNames, channels: 1, height: 28, width: 28, samples: images.bytes, labels: labels.bytes.map(Int.init))
  }
}
