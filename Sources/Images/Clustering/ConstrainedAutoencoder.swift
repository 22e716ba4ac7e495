// The constrained autoencoder of the clustering pipeline: an encoder to a small embedding z, a
// decoder back to the image, and a linear tag head on z trained with binary cross-entropy against
// the image's semantic tags (Zhang and Davidson, "Deep Descriptive Clustering", use such tags as
// side information):
//   L = MSE(decode(z), x) + λ_tag · BCE(W_tag z + b_tag, tags)
// Two variants:
//   dense:          flatten → [Linear → ReLU] per hidden width → Linear → z (Xie et al.'s DEC
//                   layout, 500-500-2000 by default), mirrored decoder;
//   convolutional:  [conv 3×3, stride 2, padding 1 → ReLU] per hidden width (channels) →
//                   flatten → Linear → z; the decoder mirrors it with a Linear, then transposed
//                   3×3 stride-2 convolutions whose output padding restores each encoder size.
// The decoder ends in a sigmoid: images are in [0, 1].

import Foundation
import NN
import Tensor

/// Which autoencoder.
public enum AutoencoderKind: String, Codable, Sendable, CaseIterable {
  /// Fully connected.
  case dense
  /// Convolutional.
  case convolutional
}

/// The shape of a constrained autoencoder.
public struct ConstrainedAutoencoderConfiguration: Codable, Sendable, Equatable {
  /// Input channels, rows, columns.
  public var channels: Int, height: Int, width: Int
  /// Variant; hidden widths (dense) or channels per stride-2 stage (convolutional); embedding size.
  public var kind: AutoencoderKind, hidden: [Int], latent: Int
  /// Tags the tag head predicts (0: a plain autoencoder).
  public var tagCount: Int

  /// A configuration; `hidden` defaults to 500-500-2000 (dense) or 32-64-128 (convolutional).
  public init(channels: Int, height: Int, width: Int, kind: AutoencoderKind, hidden: [Int]? = nil, latent: Int = 10, tagCount: Int = 0) {
    let widths = hidden ?? (kind == .dense ? [500, 500, 2000] : [32, 64, 128])
    precondition(channels > 0 && height > 0 && width > 0 && latent > 0 && tagCount >= 0 && !widths.isEmpty && widths.allSatisfy { $0 > 0 },
                 "ConstrainedAutoencoderConfiguration: \(channels)×\(height)×\(width), hidden \(widths), latent \(latent), \(tagCount) tags")
    (self.channels, self.height, self.width, self.kind, self.hidden, self.latent, self.tagCount) = (channels, height, width, kind, widths, latent, tagCount)
  }

  /// Input features (C·H·W).
  public var inputSize: Int { channels * height * width }

  /// Spatial sizes after each stride-2 stage, input first: s' = ⌊(s + 2 − 3)/2⌋ + 1.
  var stageSizes: [(Int, Int)] {
    var sizes = [(height, width)]
    for _ in hidden { sizes.append(((sizes.last!.0 - 1) / 2 + 1, (sizes.last!.1 - 1) / 2 + 1)) }
    return sizes
  }
}

/// Encoder, decoder and tag head. Shapes: images [N, C, H, W], z [N, latent], tag logits [N, tags].
public struct ConstrainedAutoencoder: ParameterTree, Sendable {
  /// Its shape.
  public let configuration: ConstrainedAutoencoderConfiguration
  /// Dense: the encoder's hidden layers; convolutional: empty.
  public var encoderLayers: [Linear]
  /// Convolutional: the encoder's stride-2 convolutions; dense: empty.
  public var encoderConvolutions: [Conv2d]
  /// The last encoder layer (→ z) and the first decoder layer (z →).
  public var toLatent: Linear, fromLatent: Linear
  /// Dense: the decoder's layers after `fromLatent`; convolutional: empty.
  public var decoderLayers: [Linear]
  /// Convolutional: transposed-convolution weights [Cin, Cout, 3, 3] and biases [Cout], deepest first.
  public var decoderWeights: [Tensor], decoderBiases: [Tensor]
  /// The tag head (nil without tags).
  public var tagHead: Linear?

  /// A freshly initialised autoencoder (PyTorch's default initialisation).
  public init(_ configuration: ConstrainedAutoencoderConfiguration, using rng: inout RandomGenerator) {
    self.configuration = configuration
    let c = configuration
    (encoderLayers, encoderConvolutions, decoderLayers, decoderWeights, decoderBiases) = ([], [], [], [], [])
    switch c.kind {
    case .dense:
      var inputs = c.inputSize
      for width in c.hidden {
        encoderLayers.append(Linear(inputs: inputs, outputs: width, using: &rng))
        inputs = width
      }
      toLatent = Linear(inputs: inputs, outputs: c.latent, using: &rng)
      fromLatent = Linear(inputs: c.latent, outputs: c.hidden.last!, using: &rng)
      let widths = Array(c.hidden.reversed()) + [c.inputSize]
      for (a, b) in zip(widths, widths.dropFirst()) { decoderLayers.append(Linear(inputs: a, outputs: b, using: &rng)) }
    case .convolutional:
      var channels = c.channels
      for width in c.hidden {
        encoderConvolutions.append(Conv2d(inChannels: channels, outChannels: width, kernel: (3, 3), stride: (2, 2), padding: (1, 1), using: &rng))
        channels = width
      }
      let last = c.stageSizes.last!, flat = channels * last.0 * last.1
      toLatent = Linear(inputs: flat, outputs: c.latent, using: &rng)
      fromLatent = Linear(inputs: c.latent, outputs: flat, using: &rng)
      let outs = Array(c.hidden.reversed().dropFirst()) + [c.channels]
      for (cin, cout) in zip(c.hidden.reversed(), outs) {
        // PyTorch's ConvTranspose2d: fan-in from weight.shape[1]·k·k = Cout·9.
        let bound = 1 / Float(cout * 9).squareRoot()
        decoderWeights.append(Tensor.uniform([cin, cout, 3, 3], low: -bound, high: bound, using: &rng))
        decoderBiases.append(Tensor.uniform([cout], low: -bound, high: bound, using: &rng))
      }
    }
    tagHead = c.tagCount > 0 ? Linear(inputs: c.latent, outputs: c.tagCount, using: &rng) : nil
  }

  /// The embedding. Shapes: [N, C, H, W] → [N, latent].
  public func encode(_ images: Tensor) -> Tensor {
    let c = configuration
    precondition(images.rank == 4 && Array(images.shape.dropFirst()) == [c.channels, c.height, c.width],
                 "ConstrainedAutoencoder.encode: images \(images.shape) are not [N, \(c.channels), \(c.height), \(c.width)]")
    let n = images.shape[0]
    switch c.kind {
    case .dense:
      var x = images.reshaped([n, c.inputSize])
      for layer in encoderLayers { x = layer(x).relu() }
      return toLatent(x)
    case .convolutional:
      var x = images
      for conv in encoderConvolutions { x = conv.relu(x) }
      return toLatent(x.reshaped([n, x.count / n]))
    }
  }

  /// The reconstruction in [0, 1]. Shapes: [N, latent] → [N, C, H, W].
  public func decode(_ z: Tensor) -> Tensor {
    let c = configuration
    precondition(z.rank == 2 && z.shape[1] == c.latent, "ConstrainedAutoencoder.decode: z \(z.shape) is not [N, \(c.latent)]")
    let n = z.shape[0]
    switch c.kind {
    case .dense:
      var x = fromLatent(z).relu()
      for (index, layer) in decoderLayers.enumerated() {
        x = layer(x)
        if index + 1 < decoderLayers.count { x = x.relu() }
      }
      return x.sigmoid().reshaped([n, c.channels, c.height, c.width])
    case .convolutional:
      let sizes = c.stageSizes
      var x = fromLatent(z).relu().reshaped([n, c.hidden.last!, sizes.last!.0, sizes.last!.1])
      for (index, (weight, bias)) in zip(decoderWeights, decoderBiases).enumerated() {
        // Output size (s − 1)·2 − 2 + 3 + p = 2s − 1 + p; p restores the encoder's size.
        let target = sizes[sizes.count - 2 - index], current = (x.shape[2], x.shape[3])
        let padding = (target.0 - (2 * current.0 - 1), target.1 - (2 * current.1 - 1))
        x = x.transposedConv2d(weight: weight, bias: bias, stride: (2, 2), padding: (1, 1), outputPadding: padding)
        if index + 1 < decoderWeights.count { x = x.relu() }
      }
      return x.sigmoid()
    }
  }

  /// Tag logits. Shapes: [N, latent] → [N, tagCount]; traps without a tag head.
  public func tagLogits(_ z: Tensor) -> Tensor {
    guard let tagHead else { preconditionFailure("ConstrainedAutoencoder.tagLogits: the autoencoder has no tag head (0 tags)") }
    return tagHead(z)
  }

  /// Visits the encoder, the latent layers, the decoder and the tag head.
  public mutating func forEachParameter(_ body: (String, inout Tensor) throws -> Void) rethrows {
    try visitChild("encoder", &encoderLayers, body)
    try visitChild("encoder_conv", &encoderConvolutions, body)
    try visitChild("to_latent", &toLatent, body)
    try visitChild("from_latent", &fromLatent, body)
    try visitChild("decoder", &decoderLayers, body)
    try visitChild("decoder_conv_weight", &decoderWeights, body)
    try visitChild("decoder_conv_bias", &decoderBiases, body)
    try visitChild("tags", &tagHead, body)
  }

  /// The loss of one batch and its parts: L = MSE + λ_tag·BCE (BCE only with tags and a head).
  /// Shapes: images [N, C, H, W], tags [N, tagCount] in [0, 1] or nil.
  public func loss(_ images: Tensor, tags: Tensor?, tagWeight: Float) -> (total: Tensor, mse: Tensor, bce: Tensor?, z: Tensor, tagLogits: Tensor?) {
    let z = encode(images)
    let mse = (decode(z) - images).squared().mean()
    guard let tags, tagHead != nil else { return (mse, mse, nil, z, nil) }
    let logits = tagLogits(z)
    let bce = Tensor.binaryCrossEntropy(logits: logits, targets: tags)
    return (mse + bce * tagWeight, mse, bce, z, logits)
  }

  /// Embeddings of a data set, in batches (no gradients). Shapes: → [count][latent].
  public func embed(_ data: ImageDataSet, batchSize: Int = 256) -> [[Float]] {
    stride(from: 0, to: data.count, by: batchSize).flatMap { start in
      let z = encode(data.batch(Array(start..<Swift.min(start + batchSize, data.count))))
      let d = z.shape[1], values = z.scalars
      return (0..<z.shape[0]).map { Array(values[$0 * d..<($0 + 1) * d]) }
    }
  }

  /// The autoencoder in checkpoint `directory` and its weights' SHA-256.
  public static func load(from directory: URL) throws(CheckpointError) -> (model: ConstrainedAutoencoder, checksum: String) {
    let configuration = try Checkpoint.configuration(ConstrainedAutoencoderConfiguration.self, in: directory)
    var initialisation = RandomGenerator(seed: 0)
    var model = ConstrainedAutoencoder(configuration, using: &initialisation)
    let loaded = try Checkpoint.load(into: &model, from: directory)
    return (model, loaded.modelChecksum)
  }
}

/// One epoch of autoencoder training.
public struct AutoencoderEpoch: Codable, Sendable, Equatable {
  /// Epoch (1-based); mean total loss, reconstruction MSE and tag BCE (nil without tags).
  public var epoch: Int, loss: Double, mse: Double, bce: Double?
  /// Fraction of tag bits predicted right (logit > 0 ⇔ tag), nil without tags.
  public var tagAccuracy: Double?
}

/// Minibatch AdamW training of a constrained autoencoder.
public enum AutoencoderTraining {
  /// Trains `model` for `epochs` over `data` (tags: one row of `tagCount` values in [0, 1] per
  /// image, or nil for a plain autoencoder), minibatches in a seeded order per epoch; calls
  /// `progress` after every epoch. Returns the per-epoch log.
  public static func train(_ model: inout ConstrainedAutoencoder, data: ImageDataSet, tags: [[Float]]?, tagWeight: Float, epochs: Int,
                           batchSize: Int = 256, learningRate: Float = 1e-3, seed: UInt64,
                           progress: ((AutoencoderEpoch) -> Void)? = nil) -> [AutoencoderEpoch] {
    precondition(epochs >= 0 && batchSize > 0 && data.count > 0, "AutoencoderTraining.train: \(epochs) epochs, batches of \(batchSize), \(data.count) images")
    precondition(tags == nil || tags!.count == data.count && tags!.allSatisfy { $0.count == model.configuration.tagCount },
                 "AutoencoderTraining.train: \(tags?.count ?? 0) tag rows for \(data.count) images of \(model.configuration.tagCount) tags")
    var optimizer = AdamW(learningRate: learningRate, weightDecay: 0)
    var log: [AutoencoderEpoch] = []
    let tagCount = model.configuration.tagCount
    for epoch in 0..<epochs {
      var rng = RandomGenerator(seed: seed &+ UInt64(epoch) &* 0x9E37_79B9_7F4A_7C15)
      let order = rng.permutation(data.count)
      var sums = (loss: 0.0, mse: 0.0, bce: 0.0, correct: 0, bits: 0, batches: 0)
      for start in stride(from: 0, to: order.count, by: batchSize) {
        let indices = Array(order[start..<Swift.min(start + batchSize, order.count)])
        let images = data.batch(indices)
        let tagBatch = tags.map { t in Tensor(shape: [indices.count, tagCount], scalars: indices.flatMap { t[$0] }) }
        var parts: (mse: Float, bce: Float?, logits: Tensor?) = (0, nil, nil)
        let (loss, gradient) = valueAndGrad(at: model) { m in
          let l = m.loss(images, tags: tagBatch, tagWeight: tagWeight)
          parts = (l.mse.scalar, l.bce?.scalar, l.tagLogits)
          return l.total
        }
        optimizer.update(&model, gradients: gradient)
        sums.loss += Double(loss.scalar)
        sums.mse += Double(parts.mse)
        sums.batches += 1
        if let bce = parts.bce, let logits = parts.logits, let tagBatch {
          sums.bce += Double(bce)
          for (p, t) in zip(logits.scalars, tagBatch.scalars) where (p > 0) == (t > 0.5) { sums.correct += 1 }
          sums.bits += logits.count
        }
      }
      let b = Double(sums.batches)
      let entry = AutoencoderEpoch(epoch: epoch + 1, loss: sums.loss / b, mse: sums.mse / b, bce: sums.bits > 0 ? sums.bce / b : nil,
                                   tagAccuracy: sums.bits > 0 ? Double(sums.correct) / Double(sums.bits) : nil)
      log.append(entry)
      progress?(entry)
    }
    return log
  }
}
