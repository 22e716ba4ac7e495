// DISSECT-style directions in a diffusion autoencoder's latent (after Ghandeharioun et al.,
// "DISSECT: Disentangled Simultaneous Explanations via Concept Traversals"): instead of
// clustering, K directions are learned jointly with an overseer that must tell which direction
// made a change. For a training image outside the target class, a direction k and a strength α
// drawn from the sweep's range, the code moves to ẑ' = ẑ + α·√d·v_k/‖v_k‖ and is decoded in one
// step, x̂' = x̂_0(x_t, t*, z') with x_t the image noised to t* = T/4 with fixed noise (a full
// DDIM decode inside the gradient is out of reach here; the counterfactuals themselves are
// decoded by the same DDIM sweep as every method). Loss, minimised over directions and overseer:
//   L = CE(classifier(x̂'), target)  +  λ · CE(overseer(x̂_0(z), x̂'), k)
// (classifier consistency plus DISSECT's "which knob changed" term; the overseer reads the
// one-step decodings of the original and moved codes, so it sees only what the move changed).

import NN
import Tensor

/// The learnable part: K directions and the overseer.
struct DissectParameters: ParameterTree {
  /// Directions [K, d] (normalised when used) and the overseer MLP (2·C·H·W → 64 → K).
  var directions: Tensor, overseer: MLP

  mutating func forEachParameter(_ body: (String, inout Tensor) throws -> Void) rethrows {
    try body("directions", &directions)
    try visitChild("overseer", &overseer, body)
  }

  /// Unit rows. Shapes: [K, d] → [K, d].
  static func unitRows(_ v: Tensor) -> Tensor { v * ((v * v).sum(axis: 1, keepingDims: true) + 1e-8).rsqrt() }
}

extension DifCluE {
  /// Learns `count` DISSECT-style directions on the standardised codes of `negatives` (images
  /// [n, C, H, W] the classifier does not assign to the target).
  static func dissectDirections(model: ImageDiffusionModel, classifier: ImageClassifier, negatives: Tensor, standardization: CodeStandardization,
                                count: Int, settings: DifCluESettings, steps: Int = 300, batch: Int = 32, overseerWeight: Float = 1) -> [[Float]] {
    let n = negatives.shape[0], d = standardization.mean.count
    let (c, h, w) = (negatives.shape[1], negatives.shape[2], negatives.shape[3])
    var rng = RandomGenerator(seed: settings.seed ^ 0xD155)
    var parameters = DissectParameters(directions: Tensor.normal([count, d], using: &rng),
                                       overseer: MLP(widths: [2 * c * h * w, 64, count], using: &rng))
    var optimizer = AdamW(learningRate: 1e-2, weightDecay: 0)
    let t = Swift.max(1, model.process.stepCount / 4)
    let codes = standardization.normalize(model.semanticCodes(negatives))
    let x0 = negatives * 2 - 1
    let noise = Tensor.normal(negatives.shape, using: &rng)
    let xt = model.process.noised(x0, steps: Array(repeating: t, count: n), noise: noise)
    let (low, high) = (settings.strengths.first!, settings.strengths.last!)
    let root = Float(d).squareRoot()
    for _ in 0..<steps {
      let rows = (0..<Swift.min(batch, n)).map { _ in rng.nextInt(below: n) }
      let knobs = rows.map { _ in rng.nextInt(below: count) }
      let strengths = rows.map { _ in (low + (high - low) * Float(rng.nextInt(below: 1000)) / 999) * root }
      let z = codes.selectingRows(rows), xtb = xt.selectingRows(rows)
      let oneHot = Tensor(shape: [rows.count, count], scalars: knobs.flatMap { k in (0..<count).map { $0 == k ? 1 : 0 } })
      let scale = Tensor(shape: [rows.count, 1], scalars: strengths)
      let steps = Array(repeating: t, count: rows.count)
      let original = model.process.predictedClean(xtb, predictedNoise: model.unet(xtb, steps: steps, condition: standardization.denormalize(z)), step: t)
      let (_, gradient) = valueAndGrad(at: parameters) { p in
        let moved = z + Tensor.matmul(oneHot, DissectParameters.unitRows(p.directions)) * scale
        let decoded = model.process.predictedClean(xtb, predictedNoise: model.unet(xtb, steps: steps, condition: standardization.denormalize(moved)), step: t)
        let images = ((decoded + 1) * 0.5).clamped(min: 0, max: 1)
        let consistency = Tensor.crossEntropy(logits: classifier(images), classIndices: rows.map { _ in settings.targetClass })
        let pair = Tensor.concat([original.reshaped([rows.count, -1]), decoded.reshaped([rows.count, -1])], axis: 1)
        return consistency + Tensor.crossEntropy(logits: p.overseer(pair), classIndices: knobs) * overseerWeight
      }
      optimizer.update(&parameters, gradients: gradient)
    }
    let unit = DissectParameters.unitRows(parameters.directions).scalars
    return (0..<count).map { Array(unit[$0 * d..<($0 + 1) * d]) }
  }
}
