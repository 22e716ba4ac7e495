// `cfx train diffusion`: a class-conditional image diffusion model.

import ArgumentParser
import Foundation
import Workbench

struct TrainDiffusion: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "diffusion",
    abstract: "Train a class-conditional image diffusion model (U-Net, ε-loss, classifier-free guidance), or a diffusion autoencoder.",
    discussion: """
      On a set from `cfx data images`; checkpoints into --out (resumable with --resume, exactly); \
      at the end writes samples.png/.svg: eight guided DDIM samples per class.
      With --autoencoder the U-Net is conditioned on a semantic code from a convolutional encoder \
      trained with it (Preechakul et al.'s diffusion autoencoder, the model `cfx explain images \
      --method difclue` works in); it then writes reconstructions.png/.svg instead.
      Example: cfx train diffusion --set fashion-mnist --steps 5000 --out ~/.cache/cfx/diffusion-fashion
      Example: cfx train diffusion --set shapes-modes --autoencoder --steps 4000 --out ~/.cache/cfx/diffae-shapes
      """)

  /// The recipe: AdamW, warm-up then cosine decay to 10%, clip norm 1.
  enum Defaults: TrainingDefaults {
    static let examples = "images", steps: Int? = 5000, batchSize = 64, learningRate: Float = 1e-3, warmup = 200
    static let validateEvery = 500, checkpointEvery = 250, floorFraction: Float = 0.1, clipNorm: Float? = 1, weightDecay: Float = 0
  }

  @OptionGroup var imageSet: ImageSetOption
  @OptionGroup var training: TrainingArguments<Defaults>
  @Option(help: "U-Net channels of the first level (levels ×1, ×2, ×2).")
  var baseChannels = 32
  @Option(help: "Diffusion steps T.")
  var diffusionSteps = 500
  @Flag(inversion: .prefixedNo, help: "Self-attention at the U-Net's lowest resolution (7 × 7 for 28 × 28 images, 8 × 8 for 32 × 32).")
  var attention = true
  @Flag(help: "Train a diffusion autoencoder: the U-Net reads a semantic code of the image instead of its class.")
  var autoencoder = false
  @Option(help: "Width of the autoencoder's semantic code z_sem.")
  var latentWidth = 32

  func validate() throws {
    guard baseChannels > 0 && baseChannels % 8 == 0, diffusionSteps >= 10, latentWidth > 0 else { throw ValidationError("--base-channels must be a positive multiple of 8, --diffusion-steps ≥ 10, --latent-width positive") }
  }

  func run() throws {
    var request = DiffusionTrainingRequest(
      dataDirectory: imageSet.directory, outputDirectory: training.outputDirectory, options: training.options,
      baseChannels: baseChannels, stepCount: diffusionSteps, resume: training.resume, quiet: training.quiet)
    request.attention = attention
    if autoencoder { request.latentWidth = latentWidth }
    print(try stoppable(resumeFlags: ["--resume"]) { try DiffusionTrainingJob.run(request) })
  }
}
