import Foundation
@testable import Images
import Tensor
import Testing

/// gzip and IDX, the data sets' files, and the Shapes-modes generator's ground truth.
@Suite struct DataSetFormatTests {
  @Test func gzipDecompressesWhatPythonCompressed() throws {
    #expect(try Gzip.decompress(gzipOneMember, source: "one.gz") == gzipPayload)
    #expect(try Gzip.decompress(gzipTwoMembers, source: "two.gz") == gzipPayload)
    #expect(throws: ImageError.self) { try Gzip.decompress(gzipTruncated, source: "cut.gz") }
    #expect(throws: ImageError.self) { try Gzip.decompress(Data("plain text, not gzip".utf8), source: "a.txt") }
    #expect(throws: ImageError.self) { try Gzip.decompress(gzipOneMember, source: "big.gz", maximumSize: 1000) }
    var flipped = gzipOneMember
    flipped[40] ^= 0xFF
    #expect(throws: ImageError.self) { try Gzip.decompress(flipped, source: "flipped.gz") }
  }

  @Test func idxRoundTripsAndRefusesWhatIsNotIDX() throws {
    let array = IDXArray(shape: [2, 3, 4], bytes: (0..<24).map { UInt8($0 * 10) })
    #expect(try IDXArray.parse(array.encoded, source: "a.idx") == array)
    // The header by hand: magic 0 0 8 3, dims 2 3 4 big-endian.
    #expect(Array(array.encoded.prefix(16)) == [0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4])
    let bad: [(String, [UInt8])] = [
      ("magic", [1, 0, 8, 1, 0, 0, 0, 1, 7]), ("type float", [0, 0, 0x0D, 1, 0, 0, 0, 1, 0, 0, 0, 0]),
      ("rank 0", [0, 0, 8, 0]), ("rank 5", [0, 0, 8, 5] + [UInt8](repeating: 0, count: 20)),
      ("header cut", [0, 0, 8, 2, 0, 0]), ("data cut", [0, 0, 8, 1, 0, 0, 0, 3, 1, 2]),
      ("data long", [0, 0, 8, 1, 0, 0, 0, 1, 1, 2]),
      ("huge", [0, 0, 8, 3, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]),
    ]
    for (name, bytes) in bad {
      #expect(throws: ImageError.self, "\(name)") { try IDXArray.parse(Data(bytes), source: "\(name).idx") }
    }
  }

  @Test func dataSetsRoundTripThroughTheirFiles() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cfx-ds-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    let set = ShapesModes.generate(count: 12, seed: 3)
    let checksums = try set.write(split: "train", to: directory)
    #expect(Set(checksums.keys) == ["train-images.idx", "train-labels.idx", "train-masks.idx", "train-factors.csv"])
    let back = try ImageDataSet.read(split: "train", from: directory, classNames: ShapesModes.classNames)
    #expect(back.samples == set.samples && back.labels == set.labels && back.masks == set.masks && back.factors == set.factors)
    #expect(back.factorNames == ShapesModes.factorNames && back.channels == 3 && back.height == 32)
    // Labels beyond the classes are refused.
    #expect(throws: ImageError.self) { try ImageDataSet.read(split: "train", from: directory, classNames: ["only one"]) }
    // Part masks round-trip too, and parts outside the set's part names are refused.
    let birds = ToyBirds.generate(count: 8, seed: 1)
    _ = try birds.write(split: "birds", to: directory)
    let birdsBack = try ImageDataSet.read(split: "birds", from: directory, classNames: ToyBirds.classNames, partNames: ToyBirds.partNames)
    #expect(birdsBack.parts == birds.parts && birdsBack.partNames == ToyBirds.partNames && birdsBack.masks == birds.masks)
    #expect(throws: ImageError.self) { try ImageDataSet.read(split: "birds", from: directory, classNames: ToyBirds.classNames, partNames: ["background"]) }
    let batch = set.batch([0, 5])
    #expect(batch.shape == [2, 3, 32, 32] && batch.scalars.allSatisfy { $0 >= 0 && $0 <= 1 })
    #expect(set.subset([4, 1]).labels == [set.labels[4], set.labels[1]])
  }

  /// The ground truth the generator promises: the rule gives the labels, the modes are disjoint
  /// and balanced, hues within a scene differ, the mask is where the object is, the same seed
  /// gives the same set.
  @Test func shapesModesKeepsItsPromises() {
    let set = ShapesModes.generate(count: 400, seed: 11)
    let f = Dictionary(uniqueKeysWithValues: ShapesModes.factorNames.enumerated().map { ($1, $0) })
    var modes = [0, 0, 0]
    for (i, row) in set.factors.enumerated() {
      let (mode, object, floor, wall) = (row[f["mode"]!], row[f["object_hue"]!], row[f["floor_hue"]!], row[f["wall_hue"]!])
      modes[mode] += 1
      let red = object == ShapesModes.red, cyan = floor == ShapesModes.cyan
      #expect(set.labels[i] == (red || cyan ? 1 : 0) && !(red && cyan))
      #expect(mode == (red ? 1 : cyan ? 2 : 0))
      #expect(Set([object, floor, wall]).count == 3)
      // The mask covers the object's centre, not the far corner of the wall.
      let (x, y) = (row[f["x"]!], row[f["y"]!])
      #expect(set.masks![i * 1024 + y * 32 + x] == 255 && set.masks![i * 1024] == 0)
      // A fully covered pixel has the object's colour; a pixel far from it does not.
      let centre = Array(set.samples[(i * 1024 + y * 32 + x) * 3..<(i * 1024 + y * 32 + x) * 3 + 3])
      let colour = ShapesModes.rgb(hue: object, saturation: 0.9, value: 0.95)
      #expect(centre == [colour.0, colour.1, colour.2].map { UInt8(($0 * 255).rounded()) })
    }
    #expect(modes == [200, 100, 100])
    #expect(ShapesModes.generate(count: 400, seed: 11).samples == set.samples)
    #expect(ShapesModes.generate(count: 400, seed: 12).samples != set.samples)
  }
}

/// Fashion-MNIST from the Debian package that scripts/setup.sh installs.
@Suite struct FashionMNISTTests {
  @Test func debianFilesReadAsFashionMNIST() throws {
    let train = try FashionMNIST.load("train"), test = try FashionMNIST.load("t10k")
    #expect(train.count == 60000 && test.count == 10000)
    #expect(train.classCounts == Array(repeating: 6000, count: 10) && test.classCounts == Array(repeating: 1000, count: 10))
    // Some image has a full-white pixel and every image has some ink.
    #expect(train.samples.contains(255))
    // A copy with one byte changed is refused by its checksum.
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cfx-fm-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    for name in FashionMNIST.checksums.keys {
      var data = try Data(contentsOf: FashionMNIST.defaultDirectory.appendingPathComponent(name))
      if name.hasPrefix("t10k-labels") { data[data.count - 9] ^= 1 }
      try data.write(to: directory.appendingPathComponent(name))
    }
    #expect(try FashionMNIST.load("train", from: directory).count == 60000)
    #expect(throws: ImageError.self) { try FashionMNIST.load("t10k", from: directory) }
  }
}

/// The restricted numpy-pickle reader: numpy's own pickles under protocols 2 to 5 read back
/// with their values; anything a numpy array does not need is refused.
@Suite struct NumpyPickleTests {
  @Test func readsWhatNumpyPickled() throws {
    for (name, fixture) in picklesOfArrays {
      let (data, shape, code, values) = fixture
      let array = try NumpyPickle.read([UInt8](data), source: name)
      #expect(array.shape == shape && array.type == code, "\(name)")
      #expect(try array.integers() == values, "\(name)")
    }
  }

  @Test func refusesWhatIsNotAPlainArray() {
    for (name, data) in picklesToRefuse {
      #expect(throws: ImageError.self, "\(name)") { try NumpyPickle.read([UInt8](data), source: name) }
    }
    // Every cut of a good pickle is refused, never read as something else.
    let (good, _, _, _) = picklesOfArrays["i8Labels"]!
    for cut in 0..<good.count {
      #expect(throws: ImageError.self, "cut at \(cut)") { try NumpyPickle.read([UInt8](good.prefix(cut)), source: "cut") }
    }
  }
}
