// Saving and resuming a training run, for every trainer: the checkpoint (weights, configuration,
// optimiser moments and step, the trainer's own state as strings) and the training log beside it
// as JSON lines. Resuming checks that the run used the same seed.

import Basics
import Foundation
import Tensor

/// A training run's checkpoint and log.
public enum TrainingCheckpoint {
  /// The log's file name in a checkpoint directory.
  public static let logFileName = "training-log.jsonl"

  /// Saves model, configuration, optimiser and `state` (which must hold "seed"), then `log`.
  /// Returns the SHA-256 of the weights.
  public static func save<P: ParameterTree, C: Encodable, L: Encodable>(
    model: P, configuration: C, optimizer: AdamW, state: [String: String], log: [L], to directory: URL
  ) throws(TrainingError) -> String {
    precondition(state["seed"] != nil, "TrainingCheckpoint.save: the state must record the seed")
    do {
      let checksum = try Checkpoint.save(model: model, configuration: configuration, optimizer: optimizer, trainingState: state, to: directory)
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.sortedKeys]
      var lines = Data()
      for entry in log { lines.append(try encoder.encode(entry)); lines.append(0x0A) }
      try AtomicFile.write(lines, to: directory.appendingPathComponent(logFileName))
      return checksum
    } catch let error as CheckpointError {
      throw .checkpoint(error.description)
    } catch {
      throw .checkpoint("cannot write the training log in \(directory.path): \(error)")
    }
  }

  /// Throws when `directory` already holds a checkpoint (a fresh run must not overwrite one).
  public static func refuseExisting(in directory: URL) throws(TrainingError) {
    if FileManager.default.fileExists(atPath: directory.appendingPathComponent("config.json").path) {
      throw .checkpoint("\(directory.path) already holds a checkpoint; pass --resume to continue it or choose another --out")
    }
  }

  /// Loads the weights into `model`, and returns the optimiser, the trainer's state, the weights'
  /// SHA-256 and the log; refuses a checkpoint without training state or of another seed.
  public static func load<P: ParameterTree, L: Decodable>(
    into model: inout P, from directory: URL, seed: UInt64, log: L.Type
  ) throws(TrainingError) -> (optimizer: AdamW, state: [String: String], checksum: String, log: [L]) {
    let loaded: LoadedCheckpoint
    do { loaded = try Checkpoint.load(into: &model, from: directory) } catch { throw .checkpoint(error.description) }
    guard let optimizer = loaded.optimizer, let stored = loaded.trainingState["seed"] else {
      throw .checkpoint("\(directory.path) has no resumable training state (saved without the optimiser?)")
    }
    guard stored == "\(seed)" else { throw .checkpoint("\(directory.path) was trained with --seed \(stored); resume with the same seed (got \(seed))") }
    var entries: [L] = []
    if let text = try? String(contentsOf: directory.appendingPathComponent(logFileName), encoding: .utf8) {
      entries = text.split(separator: "\n").compactMap { try? JSONDecoder().decode(L.self, from: Data($0.utf8)) }
    }
    return (optimizer, loaded.trainingState, loaded.modelChecksum, entries)
  }
}

/// A trainer that checkpoints and resumes (the graph and image trainers).
public protocol ResumableTrainer {
  /// Steps done.
  var step: Int { get }
  /// Restores the run saved in `directory`.
  mutating func resume(from directory: URL) throws(TrainingError)
}

extension ResumableTrainer {
  /// Continues the run in `directory` when `resume`, else makes sure no checkpoint is there to
  /// be overwritten.
  public mutating func prepare(in directory: URL, resume: Bool) throws(TrainingError) {
    if resume { try self.resume(from: directory) } else { try TrainingCheckpoint.refuseExisting(in: directory) }
  }
}
