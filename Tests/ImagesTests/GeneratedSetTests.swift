import Foundation
@testable import Images
import Tensor
import Testing

/// The generated sets keep the ground truth they promise: what the factors say is what the
/// pixels show, the masks are where the objects are, the same seed gives the same set.
@Suite struct GeneratedSetTests {
  /// Toy birds: classes pair up differing in exactly one part; every pixel's part agrees with
  /// the mask; the beak-tip keypoint lies on the beak, the eye on the head; facing left mirrors.
  @Test func toyBirdsKeepTheirPromises() throws {
    let parts = ToyBirds.classParts
    for (a, b) in [(0, 1), (0, 2), (0, 3), (4, 5), (4, 6), (4, 7)] {
      let differing = [parts[a].beak != parts[b].beak, parts[a].tail != parts[b].tail, parts[a].wing != parts[b].wing].filter { $0 }.count
      #expect(differing == 1, "classes \(a) and \(b)")
    }
    #expect(Set(parts.map { "\($0)" }).count == parts.count)
    let set = ToyBirds.generate(count: 80, seed: 5)
    let f = Dictionary(uniqueKeysWithValues: ToyBirds.factorNames.enumerated().map { ($1, $0) })
    let plane = 32 * 32
    let (masks, partMap) = (try #require(set.masks), try #require(set.parts))
    #expect(set.classCounts == Array(repeating: 10, count: 8))
    for i in 0..<set.count {
      let row = set.factors[i]
      let expected = parts[set.labels[i]]
      let drawn: [Int] = [row[f["beak"]!], row[f["tail"]!], row[f["wing"]!]]
      #expect(drawn == [expected.beak, expected.tail, expected.wing])
      for p in 0..<plane {
        let (mask, part) = (masks[i * plane + p], partMap[i * plane + p])
        // The part is the one covering most of the pixel: never the background under a full
        // mask, never a part where nothing is drawn.
        #expect(part == 0 ? mask < 255 : mask > 0)
      }
      // Keypoints: the eye is on the head; the beak tip (where the beak's width reaches zero)
      // within two pixels of a pixel that is mostly beak.
      func part(at x: Int, _ y: Int) -> UInt8? { (0..<32).contains(x) && (0..<32).contains(y) ? partMap[i * plane + y * 32 + x] : nil }
      #expect(part(at: row[f["eye_x"]!], row[f["eye_y"]!]) == 2, "bird \(i): eye")
      let (bx, by) = (row[f["beak_tip_x"]!], row[f["beak_tip_y"]!])
      let nearBeak = (-2...2).contains { dy in (-2...2).contains { dx in part(at: bx + dx, by + dy) == 3 } }
      #expect(nearBeak, "bird \(i): beak tip (\(bx), \(by)), class \(set.labels[i]), facing left \(row[f["facing_left"]!])")
      // Every part of a bird is drawn (the tail may leave the picture only in part).
      for p in 1...5 { #expect(partMap[(i * plane)..<((i + 1) * plane)].contains(UInt8(p)), "bird \(i): part \(p)") }
    }
    // Facing left is the mirror image of facing right about the body's centre column.
    var rng = RandomGenerator(seed: 1)
    var bird = ToyBirds.bird(label: 3, using: &rng)
    (bird.x, bird.facingLeft) = (16, false)
    let right = ToyBirds.render(bird)
    bird.facingLeft = true
    let left = ToyBirds.render(bird)
    for y in 0..<32 {
      for x in 0..<32 where 2 * 16 - 1 - x >= 0 && 2 * 16 - 1 - x < 32 {
        #expect(left.parts[y * 32 + x] == right.parts[y * 32 + (2 * 16 - 1 - x)])
      }
    }
    #expect(ToyBirds.generate(count: 80, seed: 5).samples == set.samples && ToyBirds.generate(count: 80, seed: 6).samples != set.samples)
  }

  /// Attribute shapes: every image satisfies exactly its own class's conjunction; the tags are
  /// the attributes; large shapes cover more than small ones; outlines are dark.
  @Test func attributeShapesSatisfyExactlyTheirClass() throws {
    let set = AttributeShapes.generate(count: 300, seed: 9)
    let masks = try #require(set.masks)
    var area: [Int: [Int]] = [0: [], 1: []]
    for i in 0..<set.count {
      let attributes = Array(set.factors[i].prefix(5))
      #expect(AttributeShapes.classes(satisfiedBy: attributes) == [set.labels[i]])
      let tags = AttributeShapes.tags(ofAttributes: attributes)
      #expect(tags.filter { $0 }.count == 5)
      for (attribute, value) in AttributeShapes.classDefinitions[set.labels[i]] {
        #expect(tags[AttributeShapes.tagIndex(attribute: attribute, value: value)])
      }
      if attributes[0] == 0 { area[attributes[2]]!.append(masks[(i * 1024)..<((i + 1) * 1024)].map(Int.init).reduce(0, +)) }
    }
    #expect(area[0]!.max()! < area[1]!.min()!)
    #expect(AttributeShapes.tagNames.count == 12 && AttributeShapes.classNames[0] == "shape=circle ∧ colour=red")
  }

  /// Animals on texture: the mask is exactly where the coloured animal is; outside it the
  /// texture is gray; the label is the silhouette's.
  @Test func animalsOnTextureMasksAreExact() throws {
    // A synthetic silhouette set (a filled square and a bar) and two noise textures.
    var square = [UInt8](repeating: 0, count: 28 * 28), bar = square
    for y in 6..<22 { for x in 6..<22 { square[y * 28 + x] = 255 } }
    for y in 2..<26 { for x in 12..<16 { bar[y * 28 + x] = 255 } }
    let silhouettes = ImageDataSet(classNames: ["square", "bar"], channels: 1, height: 28, width: 28, samples: square + bar, labels: [0, 1])
    var noise = RandomGenerator(seed: 3)
    let textures = (0..<2).map { _ in Image(channels: 1, height: 128, width: 128, values: (0..<(128 * 128)).map { _ in noise.nextUniform() }) }
    let set = AnimalsOnTexture.generate(count: 30, silhouettes: silhouettes, textures: textures, seed: 4)
    let masks = try #require(set.masks)
    for i in 0..<set.count {
      let silhouette = set.factors[i][1]
      #expect(set.labels[i] == silhouettes.labels[silhouette])
      var covered = 0.0
      for p in 0..<1024 {
        covered += Double(masks[i * 1024 + p]) / 255
        let rgb = set.samples[(i * 1024 + p) * 3..<(i * 1024 + p) * 3 + 3].map(Int.init)
        if masks[i * 1024 + p] == 0 { #expect(rgb[0] == rgb[1] && rgb[1] == rgb[2], "image \(i) pixel \(p): background is gray") }
        if masks[i * 1024 + p] == 255 {
          #expect(rgb.max()! - rgb.min()! > 100, "image \(i) pixel \(p): the animal is coloured")
        }
      }
      // The covered area matches the scaled silhouette's (16² of 28² for the square, 4·24 for the bar).
      let side = Double(set.factors[i][3]), expected = (silhouette == 0 ? 256.0 : 96.0) / 784 * side * side
      #expect(abs(covered - expected) <= 0.05 * expected + 2, "image \(i): \(covered) covered pixels, about \(expected) expected")
    }
  }
}

extension GeneratedSetTests {
  /// The bird classes are named by their parts' values.
  @Test func birdClassNamesNameTheParts() {
    #expect(ToyBirds.classNames[0] == "short beak, fan tail, plain wing" && ToyBirds.classNames[5] == "hooked beak, fork tail, spots wing")
  }
}
