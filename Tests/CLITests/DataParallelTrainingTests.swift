import Foundation
import Tensor
import Testing

/// Runs the built `cfx` under `mpirun -n ranks` and returns (status, stdout, stderr).
func runCFXUnderMPI(ranks: Int, _ arguments: [String]) throws -> (Int32, String, String) {
  let binDir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
  var exe = binDir.appendingPathComponent("cfx")
  if !FileManager.default.fileExists(atPath: exe.path) { exe = binDir.deletingLastPathComponent().appendingPathComponent("cfx") }
  let launcher = ["/usr/bin/mpirun", "/usr/local/bin/mpirun"].first { FileManager.default.isExecutableFile(atPath: $0) }
  guard let launcher else {
    throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "mpirun not found: scripts/setup.sh installs Open MPI (openmpi-bin, libopenmpi-dev)"])
  }
  let p = Process()
  p.executableURL = URL(fileURLWithPath: launcher)
  // Root may run the ranks in a container; more ranks than cores are allowed on a small machine.
  p.arguments = ["--allow-run-as-root", "--oversubscribe", "-n", "\(ranks)", exe.path] + arguments
  let out = Pipe(), err = Pipe()
  p.standardOutput = out
  p.standardError = err
  p.standardInput = FileHandle.nullDevice
  try p.run()
  let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
  p.waitUntilExit()
  return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
}

/// `mpirun -n 2 cfx train molecules`: the ranks train the model one process trains with the
/// doubled batch, checkpoints resume exactly, and commands that cannot share work refuse to run.
@Suite(.serialized) struct DataParallelTrainingTests {
  static let zincSubset = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("molecules/zinc-subset.smi").path

  /// A tiny molecule run of `steps` steps at `batch` molecules per process into `out`.
  static func training(_ out: URL, steps: Int, batch: Int, resume: Bool = false, stopAt: Int? = nil) -> [String] {
    ["train", "molecules", "--data", zincSubset, "--limit", "300", "--validation", "20", "--size", "tiny",
     "--diffusion-steps", "50", "--steps", "\(steps)", "--batch-size", "\(batch)", "--checkpoint-every", "15",
     "--validate-every", "15", "--warmup", "5", "--learning-rate", "3e-3", "--seed", "3", "--out", out.path, "--quiet"]
      + (resume ? ["--resume"] : []) + (stopAt.map { ["--stop-at", "\($0)"] } ?? [])
  }

  static func directory() -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("cfx-mpi-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  /// The largest absolute difference between the weights of two trained models.
  static func largestDifference(_ a: URL, _ b: URL) throws -> Float {
    let x = try SafeTensorsFile.read(from: a.appendingPathComponent("model.safetensors")).tensors
    let y = try SafeTensorsFile.read(from: b.appendingPathComponent("model.safetensors")).tensors
    #expect(Set(x.keys) == Set(y.keys))
    var worst: Float = 0
    for (name, t) in x {
      let u = try #require(y[name])
      #expect(t.shape == u.shape, "\(name)")
      for (p, q) in zip(t.scalars, u.scalars) { worst = max(worst, abs(p - q)) }
    }
    return worst
  }

  /// The training log's entries as (step, train loss, validation loss).
  static func log(_ dir: URL) throws -> [(Int, Double, Double?)] {
    let text = try String(contentsOf: dir.appendingPathComponent("training-log.jsonl"), encoding: .utf8)
    return try text.split(separator: "\n").map { line in
      let o = try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
      return (o["step"] as! Int, o["trainLoss"] as! Double, o["validationLoss"] as? Double)
    }
  }

  /// 2 ranks × 8 molecules per step give the weights of 1 process × 16 within 1e-5 after 30
  /// AdamW steps (they differ only in the order of floating-point sums: measured 1.2e-7),
  /// while 1 process × 8, the run the ranks would be without the gradient sum, lands 1e-3 or
  /// more away. The data holds batches of odd size and of one molecule (one rank idle).
  @Test func twoRanksTrainTheModelOfTheDoubledBatch() throws {
    let (single, ranks, half) = (Self.directory(), Self.directory(), Self.directory())
    let (s1, out1, err1) = try runCFX(Self.training(single, steps: 30, batch: 16))
    #expect(s1 == 0, "\(err1)")
    let (s2, out2, err2) = try runCFXUnderMPI(ranks: 2, Self.training(ranks, steps: 30, batch: 8))
    #expect(s2 == 0, "\(err2)")
    let (s3, _, err3) = try runCFX(Self.training(half, steps: 30, batch: 8))
    #expect(s3 == 0, "\(err3)")
    // Rank 0 alone reports.
    #expect(out1.components(separatedBy: "trained 30 steps").count == 2)
    #expect(out2.components(separatedBy: "trained 30 steps").count == 2, "\(out2)")
    #expect(out2.contains("at batch 16 = 2 ranks × 8"))
    let difference = try Self.largestDifference(single, ranks)
    #expect(difference < 1e-5, "2 ranks × 8 vs 1 × 16: largest weight difference \(difference)")
    let unsummed = try Self.largestDifference(single, half)
    #expect(unsummed > 1e-3, "1 × 8 vs 1 × 16 differ by only \(unsummed): the comparison cannot tell")
    // The same losses on the way (validation included: the ranks compute the same numbers).
    let (a, b) = (try Self.log(single), try Self.log(ranks))
    #expect(a.map(\.0) == b.map(\.0))
    for (x, y) in zip(a, b) {
      #expect(abs(x.1 - y.1) < 1e-5 * max(1, abs(x.1)), "train loss at step \(x.0): \(x.1) vs \(y.1)")
      if let u = x.2, let v = y.2 { #expect(abs(u - v) < 1e-4 * max(1, abs(u)), "validation loss at step \(x.0): \(u) vs \(v)") }
    }
  }

  /// 30 steps on 2 ranks in two pieces (--stop-at 15, then --resume) give bit-identical weights
  /// to 30 steps at once; a resume with another global batch is refused with what to pass.
  @Test func twoRankCheckpointsResumeExactly() throws {
    let (straight, resumed) = (Self.directory(), Self.directory())
    #expect(try runCFXUnderMPI(ranks: 2, Self.training(straight, steps: 30, batch: 8)).0 == 0)
    #expect(try runCFXUnderMPI(ranks: 2, Self.training(resumed, steps: 30, batch: 8, stopAt: 15)).0 == 0)
    #expect(try Self.log(resumed).last?.0 == 15)
    let (status, _, err) = try runCFX(Self.training(resumed, steps: 30, batch: 8, resume: true))
    #expect(status != 0)
    #expect(err.contains("was trained with 16 graphs per step (2 rank(s))") && err.contains("resume with ranks × --batch-size = 16"), "\(err)")
    let (s2, _, e2) = try runCFXUnderMPI(ranks: 2, Self.training(resumed, steps: 30, batch: 8, resume: true))
    #expect(s2 == 0, "\(e2)")
    let difference = try Self.largestDifference(straight, resumed)
    #expect(difference == 0, "the resumed 2-rank run differs from the straight one by up to \(difference)")
  }

  /// An error only rank 0 sees (its output directory already holds a run) ends every rank: the
  /// job exits with the error and rank, instead of leaving rank 1 waiting for a gradient sum.
  @Test func anErrorOnOneRankEndsTheJob() throws {
    let dir = Self.directory()
    #expect(try runCFX(Self.training(dir, steps: 2, batch: 8)).0 == 0)
    let (status, _, err) = try runCFXUnderMPI(ranks: 2, Self.training(dir, steps: 2, batch: 8))
    #expect(status != 0)
    #expect(err.contains("cfx (rank 0 of 2):"), "\(err)")
  }

  /// A command that cannot share its work refuses to run as several ranks, saying which can.
  @Test func commandsThatCannotShareWorkRefuseSeveralRanks() throws {
    let (status, _, err) = try runCFXUnderMPI(ranks: 2, ["props", "CCO"])
    #expect(status != 0)
    #expect(err.contains("this command runs in one process") && err.contains("cfx train molecules"), "\(err)")
  }
}
