@testable import Diffusion
import DiffusionCore
import Foundation
import TestSupport
import Testing

@Suite struct ParticleSteeringTests {
  let planar = DiscreteDiffusion(
    schedule: CosineNoiseSchedule(stepCount: 100), nodeTransition: .uniform(classCount: 1),
    edgeTransition: .marginal(frequencies: [0.64, 0.36]))

  /// Golden values: effective sample size and systematic resampling by hand.
  @Test func effectiveSampleSizeAndSystematicIndices() {
    #expect(ParticleWeights.effectiveSampleSize([0, 0, 0, 0]) == 4)
    #expect(ParticleWeights.effectiveSampleSize([-.infinity, 1, 1]) == 2)
    #expect(ParticleWeights.effectiveSampleSize([-.infinity, -.infinity]) == 0)
    // Weights 1 : 3 → cumulative 0.25, 1. Positions (k + u)/2.
    let w = [0, log(3.0)]
    #expect(ParticleWeights.systematicIndices(w, uniform: 0.1) == [0, 1])   // 0.05, 0.55
    #expect(ParticleWeights.systematicIndices(w, uniform: 0.6) == [1, 1])   // 0.30, 0.80
    // Weights 1 : 1 : 2 → cumulative 0.25, 0.5, 1; positions 0.125, 0.375, 0.625, 0.875 (u = 0.5, 4 particles).
    #expect(ParticleWeights.systematicIndices([0, 0, log(2.0), -.infinity], uniform: 0.5) == [0, 1, 2, 2])
    #expect(ParticleWeights.systematicIndices([-.infinity, -.infinity], uniform: 0.5) == [0, 1])
    // Fewer draws than particles: positions (k + u)/count.
    #expect(ParticleWeights.systematicIndices(w, count: 4, uniform: 0.5) == [0, 1, 1, 1])   // .125 .375 .625 .875
    #expect(ParticleWeights.systematicIndices([0, 0, 0, 0], count: 2, uniform: 0.5) == [1, 3])  // .25 .75
    #expect(ParticleWeights.systematicIndices([-.infinity, -.infinity, -.infinity, -.infinity], count: 2, uniform: 0.5) == [0, 2])
  }

  /// A constant potential never resamples and draws no random number: results are those of
  /// plain sampling, bit for bit.
  @Test func constantPotentialChangesNothing() throws {
    let graph = DiffusionFixtures.planarGraph()
    let denoiser = independentDataDenoiser(process: planar, nodePrior: [1], edgePrior: [0.6, 0.4])
    var a = RandomGenerator(seed: 9), b = RandomGenerator(seed: 9)
    let plain = try planar.counterfactuals(of: graph, target: 1, noiseStep: 40, sampleCount: 8, guidanceScale: 1, denoiser: denoiser, using: &a)
    let steered = try planar.counterfactuals(
      of: graph, target: 1, noiseStep: 40, sampleCount: 8, guidanceScale: 1,
      steering: ParticleSteering { Array(repeating: 0.5, count: $0.batchSize) }, denoiser: denoiser, using: &b)
    #expect(steered.edges.isBitwiseEqual(to: plain.edges))
    #expect(a.next() == b.next())
  }

  /// A potential that rewards edges moves the samples towards more edges than plain sampling
  /// from the same model and seeds (a fixed-seed comparison over 64 particles).
  @Test func potentialPullsTowardsFavouredGraphs() throws {
    let graph = DiffusionFixtures.planarGraph()
    let denoiser = independentDataDenoiser(process: planar, nodePrior: [1], edgePrior: [0.6, 0.4])
    func meanEdges(_ s: GraphState) -> Double {
      Double((0..<s.batchSize).map { g in s.edgeClasses(ofGraph: g).joined().filter { $0 == 1 }.count / 2 }.reduce(0, +)) / Double(s.batchSize)
    }
    let rewardEdges = ParticleSteering { (state: GraphState) in (0..<state.batchSize).map { g in Double(state.edgeClasses(ofGraph: g).joined().filter { $0 == 1 }.count) } }
    var a = RandomGenerator(seed: 3), b = RandomGenerator(seed: 3)
    let plain = try planar.counterfactuals(of: graph, target: 1, noiseStep: 100, sampleCount: 64, guidanceScale: 1, denoiser: denoiser, using: &a)
    let steered = try planar.counterfactuals(
      of: graph, target: 1, noiseStep: 100, sampleCount: 64, guidanceScale: 1, steering: rewardEdges, denoiser: denoiser, using: &b)
    #expect(steered.isCanonical() && steered.batchSize == 64)
    #expect(meanEdges(steered) > meanEdges(plain) + 3, "steered \(meanEdges(steered)) vs plain \(meanEdges(plain))")
  }
}
