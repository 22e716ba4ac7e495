// What every trainer in cfx is told (steps, batch size, schedule, regularisation, validation and
// checkpoint cadence, seed), and how training fails: shared by the graph diffusion trainer and
// the image trainers.

/// Training options.
public struct TrainingOptions: Sendable {
  /// Total optimiser steps.
  public var steps: Int
  /// Examples per batch.
  public var batchSize: Int
  /// Learning-rate schedule.
  public var schedule: LearningRateSchedule
  /// AdamW weight decay.
  public var weightDecay: Float
  /// Gradient-norm clip (nil: none).
  public var clipNorm: Float?
  /// Validate every this many steps (0: never).
  public var validateEvery: Int
  /// Checkpoint every this many steps.
  public var checkpointEvery: Int
  /// Seed of initialisation, data order, noise and dropout.
  public var seed: UInt64
  /// Stop after this step (checkpoint written) and leave the rest of `steps` to a resumed run:
  /// training in pieces; the schedule still spans `steps`. nil: train to `steps`.
  public var stopAt: Int?

  /// The step this run ends at: `stopAt` when it comes first, else `steps`.
  public var lastStep: Int { Swift.min(steps, stopAt ?? steps) }

  /// Options.
  public init(steps: Int, batchSize: Int, schedule: LearningRateSchedule, weightDecay: Float = 1e-12,
              clipNorm: Float? = nil, validateEvery: Int, checkpointEvery: Int, seed: UInt64, stopAt: Int? = nil) {
    (self.steps, self.batchSize, self.schedule, self.weightDecay) = (steps, batchSize, schedule, weightDecay)
    (self.clipNorm, self.validateEvery, self.checkpointEvery, self.seed, self.stopAt) = (clipNorm, validateEvery, checkpointEvery, seed, stopAt)
  }
}

/// Errors of the training job.
public enum TrainingError: Error, CustomStringConvertible {
  /// The data is unusable.
  case data(String)
  /// A checkpoint could not be written or read.
  case checkpoint(String)
  /// The ranks of a data-parallel run failed to communicate or disagree.
  case distributed(String)

  /// A one-line explanation.
  public var description: String {
    switch self {
    case .data(let m): return "training data: \(m)"
    case .checkpoint(let m): return m
    case .distributed(let m): return "data-parallel training: \(m)"
    }
  }
}

