// The settings of the image explanation methods, given the same way to `cfx explain images` and
// `cfx eval saliency`.

import ArgumentParser
import Images
import Workbench

/// Settings of the counterfactual methods (partition, greedy, similarity).
struct CounterfactualOptions: ParsableArguments {
  @Option(help: "Reference images per input (correctly classified validation images of the target class, nearest first).")
  var references = 20
  @Option(help: "partition: keep M reference cells (see --filter).")
  var topM = 50
  @Option(help: "partition: which reference cells the top-M filter keeps: contribution (those contributing most to the target class, by their own saliency partition) or similarity (most cosine-similar to the chosen cell).")
  var filter: FeatureReplacement.CandidateFilter = .contribution
  @Option(help: "partition: σ of the reversed Gaussian kernel, in cells of the last convolution map.")
  var sigma: Float = 0.8
  @Option(help: "Edits before a counterfactual search counts as failed.")
  var maxSteps = 100
  @Option(help: "similarity: weight λ of the similarity term.")
  var lambda: Float = 0.4
  @Option(help: "similarity: temperature τ of the similarity softmax.")
  var temperature: Float = 0.1
  @Option(help: "similarity: fraction of (cell, reference cell) pairs kept, most similar first.")
  var keepFraction: Float = 0.2

  func validate() throws {
    guard references > 0, topM > 0, sigma > 0, maxSteps > 0 else { throw ValidationError("--references, --top-m, --sigma and --max-steps must be positive") }
    guard lambda >= 0, temperature > 0, keepFraction > 0, keepFraction <= 1 else { throw ValidationError("--lambda ≥ 0, --temperature > 0, 0 < --keep-fraction ≤ 1") }
  }

  /// The settings.
  var settings: FeatureReplacement.Settings {
    var s = FeatureReplacement.Settings()
    (s.references, s.topM, s.filter, s.sigma, s.maxSteps, s.lambda, s.temperature, s.keepFraction) = (references, topM, filter, sigma, maxSteps, lambda, temperature, keepFraction)
    return s
  }
}

/// Settings of the saliency methods that have them.
struct SaliencyOptions: ParsableArguments {
  @Option(help: "occlusion: patch side in pixels.")
  var patch = 8
  @Option(help: "occlusion: stride in pixels.")
  var stride = 4
  @Option(help: "rise: random masks.")
  var riseMasks = 256
  @Option(help: "Random seed (RISE's masks, the clustering networks' initialisation).")
  var seed: UInt64 = 0
  @Option(help: "mask, extremal, coalitions*: optimiser steps per image.")
  var perturbationSteps = 300
  @Option(help: "mask, extremal, coalitions*: what perturbed pixels move to: blur (a blurred copy), mean (the image's mean colour) or zero.")
  var perturbationSubstrate: Saliency.Substrate = .blur
  @Option(help: "mask, extremal, coalitions*: σ in pixels of the blurred copy.")
  var perturbationBlur: Float = 3
  @Option(help: "mask: weight of the deleted area (mean of 1 − m).")
  var maskL1: Float = 0.05
  @Option(help: "mask: weight of the mask's total variation.")
  var maskTv: Float = 0.2
  @Option(help: "extremal: fraction of the image preserved.")
  var area: Float = 0.2
  @Option(help: "coalitions*: stop clustering at this many coalitions.")
  var coalitionsMin = 4
  @Option(help: "coalitions*: responses of the clustering network (the most coalitions).")
  var coalitionsMax = 32
  @Option(help: "coalitions*: clustering steps at most.")
  var clusteringSteps = 200
  @Option(help: "coalitions*: weight μ of the clustering's spatial continuity.")
  var continuity: Float = 5
  @Option(help: "coalitions*: weight λ of the mask loss (perturb as much as possible).")
  var maskWeight: Float = 1
  @Option(help: "coalitions*: weight µ of the confidence loss (the class stays predicted).")
  var confidenceWeight: Float = 100
  @Option(help: "coalitions*: weight ν of the consistency loss (uniform perturbation within a coalition).")
  var consistencyWeight: Float = 1
  @Option(help: "coalitions*: σ in pixels of the consistency loss's Gaussian weights.")
  var consistencySigma: Float = 1

  func validate() throws {
    guard patch > 0, stride > 0, riseMasks > 0, perturbationSteps > 0, perturbationBlur > 0, clusteringSteps > 0, consistencySigma > 0 else {
      throw ValidationError("--patch, --stride, --rise-masks, --perturbation-steps, --perturbation-blur, --clustering-steps and --consistency-sigma must be positive")
    }
    guard area > 0, area < 1 else { throw ValidationError("--area must lie strictly between 0 and 1") }
    guard coalitionsMin >= 1, coalitionsMax >= coalitionsMin else { throw ValidationError("need 1 ≤ --coalitions-min ≤ --coalitions-max") }
    guard [maskL1, maskTv, continuity, maskWeight, confidenceWeight, consistencyWeight].allSatisfy({ $0 >= 0 }) else { throw ValidationError("loss weights must be ≥ 0") }
  }

  /// The settings.
  var settings: SaliencyMethod.Settings {
    var s = SaliencyMethod.Settings()
    (s.occlusionPatch, s.occlusionStride, s.riseMasks, s.seed) = (patch, stride, riseMasks, seed)
    var p = Perturbation.Settings()
    (p.iterations, p.substrate, p.blurSigma, p.areaL1, p.totalVariation, p.area) = (perturbationSteps, perturbationSubstrate, perturbationBlur, maskL1, maskTv, area)
    (p.minCoalitions, p.maxCoalitions, p.clusteringIterations, p.continuity) = (coalitionsMin, coalitionsMax, clusteringSteps, continuity)
    (p.maskWeight, p.confidenceWeight, p.consistencyWeight, p.consistencySigma) = (maskWeight, confidenceWeight, consistencyWeight, consistencySigma)
    s.perturbation = p
    return s
  }
}

extension FeatureReplacement.CandidateFilter: ExpressibleByArgument {}

/// How difclue sweeps the strength along each direction (explain and eval).
struct DifCluESweepOptions: ParsableArguments {
  @Option(help: "Largest strength α tried (units of √d, the length of a typical standardised code).")
  var maxStrength: Float = 4
  @Option(help: "Step between the strengths tried (from one step up to --max-strength).")
  var strengthStep: Float = 0.25
  @Option(help: "Bisection rounds after the first strength that flips (each halves the interval the flip lies in).")
  var refinements = 2
  @Option(help: "DDIM moves for inversion and decoding.")
  var moves = 20
  @Option(help: "Target probability a counterfactual must reach besides being the classifier's most probable class (0: the arg-max alone).")
  var confidence: Float = 0.9
  @Option(help: "Where the target class is clustered into modes: latent (the diffusion autoencoder's, as DifCluE does) or classifier (the explained classifier's pooled features: its own reasons).")
  var clusterSpace: ClusterSpace = .latent
  @Flag(inversion: .prefixedNo, help: "Mode check: a counterfactual along a mode must also land in that mode (its own code, encoded again, is given the mode by the mode regression); a sweep that flips the classifier but never reaches its mode keeps its first flip, marked mode_reached false.")
  var modeCheck = false

  func validate() throws {
    guard maxStrength > 0, strengthStep > 0, strengthStep <= maxStrength, maxStrength / strengthStep <= 200 else {
      throw ValidationError("--strength-step must be positive and at most --max-strength, with at most 200 strengths")
    }
    guard moves >= 1, refinements >= 0, (0..<1).contains(confidence) else { throw ValidationError("--moves must be positive, --refinements not negative, --confidence in [0, 1)") }
  }

  /// The strengths on the grid: one step, two steps, … up to --max-strength.
  var strengths: [Float] { (1...Swift.max(Int((maxStrength / strengthStep).rounded(.down)), 1)).map { Float($0) * strengthStep } }
}

/// The options of `--method difclue`.
struct DifCluEOptions: ParsableArguments {
  @Option(help: "The diffusion autoencoder's checkpoint directory (default: the shipped one for the set).")
  var diffusion: String?
  @Option(help: "Modes K of the target class, or auto (proposed by --propose).")
  var modes = "auto"
  @Option(help: "How --modes auto proposes K: silhouette (the K in 2…6 with the largest mean silhouette) or gap (the gap statistic's K in 1…6, which can find a single mode).")
  var propose: ModeProposal = .silhouette
  @Option(help: "Where the directions come from: difclue (one per mode, from the rest into the mode), difclue-between-modes (one per mode, contrasting the modes only, as DifCluE writes it); baselines: single (target against the rest), random (K random directions), dissect (K directions learned with an overseer).")
  var directions = "difclue"
  @OptionGroup var sweep: DifCluESweepOptions

  func validate() throws {
    guard modes == "auto" || (Int(modes).map { $0 >= 1 } ?? false) else { throw ValidationError("--modes takes a positive K or auto") }
    guard DirectionMethod(rawValue: directions) != nil else { throw ValidationError("--directions takes \(DirectionMethod.allCases.map(\.rawValue).joined(separator: ", "))") }
  }

  /// Copies the options into a request.
  func apply(to request: inout DifCluERequest, seed: UInt64) throws {
    (request.modes, request.strengths, request.moves, request.seed) = (Int(modes), sweep.strengths, sweep.moves, seed)
    (request.method, request.clusterSpace, request.refinements, request.confidence) = (DirectionMethod(rawValue: directions)!, sweep.clusterSpace, sweep.refinements, sweep.confidence)
    (request.modeCheck, request.modeProposal) = (sweep.modeCheck, propose)
  }
}

extension ClusterSpace: ExpressibleByArgument {}
extension ModeProposal: ExpressibleByArgument {}
