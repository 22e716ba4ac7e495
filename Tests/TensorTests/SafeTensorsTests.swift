import Foundation
import Testing
import TestSupport
@testable import Tensor

@Suite struct SafeTensorsTests {
  func tempDir() -> URL {
    let u = FileManager.default.temporaryDirectory.appendingPathComponent("cfx-test-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: u, withIntermediateDirectories: true)
    return u
  }

  @Test func roundTripIsBitExact() throws {
    let file = SafeTensorsFile(
      tensors: ["a": testTensor([3, 4], seed: 1), "b.c": Tensor([.nan, .infinity, -0.0, 1e-42]), "s": Tensor(2.5),
                "empty": Tensor.zeros([0, 3])],
      metadata: ["note": "hello"])
    let url = tempDir().appendingPathComponent("x.safetensors")
    try file.write(to: url)
    let back = try SafeTensorsFile.read(from: url)
    #expect(back == file)
  }

  @Test func headerMatchesTheSpecification() throws {
    let bytes = SafeTensorsFile(tensors: ["w": Tensor([1, 2])]).encoded()
    var n = 0
    for i in 0..<8 { n |= Int(bytes[i]) << (8 * i) }
    #expect(n % 8 == 0)
    let header = try JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + n)])) as! [String: Any]
    let w = header["w"] as! [String: Any]
    #expect(w["dtype"] as? String == "F32")
    #expect(w["shape"] as? [Int] == [2])
    #expect(w["data_offsets"] as? [Int] == [0, 8])
    #expect(Array(bytes[(8 + n)...]) == [0, 0, 0x80, 0x3f, 0, 0, 0, 0x40])  // 1.0f, 2.0f little-endian
  }

  @Test func truncatedFilesAreRefusedWithAReason() {
    let bytes = SafeTensorsFile(tensors: ["w": testTensor([10], seed: 2)]).encoded()
    for cut in [0, 5, 20, bytes.count - 1] {
      #expect(throws: SafeTensorsError.self) { try SafeTensorsFile.decode(Array(bytes[..<cut]), path: "m.safetensors") }
    }
    do {
      _ = try SafeTensorsFile.decode(Array(bytes[..<(bytes.count - 4)]), path: "m.safetensors")
    } catch {
      #expect(error.description.contains("m.safetensors"))
      #expect(error.description.contains("truncated"))
    }
  }

  @Test func corruptedDataIsDetectedByTheChecksum() {
    var bytes = SafeTensorsFile(tensors: ["w": testTensor([10], seed: 3)]).encoded()
    bytes[bytes.count - 3] ^= 0x10
    #expect(throws: SafeTensorsError.self) { try SafeTensorsFile.decode(bytes, path: "m") }
    do { _ = try SafeTensorsFile.decode(bytes, path: "m") } catch {
      if case .checksumMismatch = error {} else { Issue.record("expected checksum mismatch, got \(error)") }
    }
  }

  @Test func junkAndWrongDtypesAreRefused() {
    #expect(throws: SafeTensorsError.self) { try SafeTensorsFile.decode(Array(repeating: 0xff, count: 100), path: "j") }
    let header = #"{"w":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}"#
    var bytes = [UInt8](repeating: 0, count: 8)
    let h = Array(header.utf8)
    bytes[0] = UInt8(h.count)
    bytes += h + [0, 0, 0, 0]
    do { _ = try SafeTensorsFile.decode(bytes, path: "half") } catch {
      #expect(error.description.contains("F16"))
    }
  }

  @Test func sha256MatchesKnownVectors() {
    #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    #expect(SHA256.hex([UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    let long = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
    #expect(SHA256.hex(long) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
  }

  @Test func fileDigestMatchesTheInMemoryDigest() throws {
    let url = tempDir().appendingPathComponent("blob.bin")
    let bytes = (0..<(3 << 20) + 17).map { UInt8(truncatingIfNeeded: $0 &* 31) }
    try Data(bytes).write(to: url)
    #expect(SHA256.hex(ofFile: url.path) == SHA256.hex(bytes))
    #expect(SHA256.hex(ofFile: url.path + ".missing") == nil)
  }
}
