// What one explanation run is asked to do: method, τ values, samples, guidance scale, seed,
// valence constraint, property steering and refinement, with the recommended defaults.

import Basics
import Chemistry
import Diffusion
import DiffusionCore
import Foundation
import Graphs
import NN

/// Settings of one explanation run.
public struct MoleculeCounterfactualSettings: Sendable {
  /// Method.
  public var method: MoleculeCounterfactualMethod
  /// Noise steps τ (GDCE).
  public var taus: [Int]
  /// Counterfactuals per input and τ.
  public var samples: Int
  /// Guidance scale.
  public var scale: Float
  /// Seed.
  public var seed: UInt64
  /// Valence-constrained sampling.
  public var constrained: Bool
  /// Property steering strength λ ≥ 0 (0: off). The K samples of a run are SMC particles with
  /// potential log φ = −λ · (distance of the property of the predicted clean molecule from the
  /// target, in property units), resampled when their weights degenerate (Diffusion's
  /// ParticleSteering.swift). Samples of one run can then share a history.
  public var steering: Double
  /// Steering particles per returned counterfactual (≥ 1; > 1 needs steering): K·particles are
  /// run and the K best distinct molecules returned (`MoleculeCounterfactualEngine.bestDistinct`).
  public var particles: Int
  /// Proximity weight μ ≥ 0 of steering (0: off; > 0 needs steering): the potential gains
  /// + μ · Tanimoto(predicted molecule, input), so among molecules that meet the target the
  /// particles closer to the input are preferred (a counterfactual should change little).
  public var proximity: Double
  /// Minimal-edit refinement (GDCE): every generated counterfactual that is valid and in target
  /// has the edits it does not need undone (MinimalEdits.swift).
  public var refine: Bool

  /// What `cfx explain` uses for molecule GDCE when not told otherwise: the evaluation column
  /// that meets every target at once, single-τ and best-of-10 (notebooks-export/molecules-eval).
  public static let recommended = (tau: 50, scale: Float(8), steering: 10.0, particles: 3, refine: true)

  /// Settings.
  public init(method: MoleculeCounterfactualMethod, taus: [Int], samples: Int, scale: Float, seed: UInt64, constrained: Bool,
              steering: Double = 0, particles: Int = 1, proximity: Double = 0, refine: Bool = false) {
    precondition(steering >= 0 && steering.isFinite, "MoleculeCounterfactualSettings: steering \(steering) must be finite and ≥ 0")
    precondition(particles >= 1, "MoleculeCounterfactualSettings: particles \(particles) must be ≥ 1")
    precondition(proximity >= 0 && proximity.isFinite, "MoleculeCounterfactualSettings: proximity \(proximity) must be finite and ≥ 0")
    (self.method, self.taus, self.samples, self.scale, self.seed, self.constrained) = (method, taus, samples, scale, seed, constrained)
    (self.steering, self.particles, self.proximity, self.refine) = (steering, particles, proximity, refine)
  }
}
