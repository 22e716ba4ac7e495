// `cfx cluster`: cluster an image set with one method and explain the clusters by tags.

import ArgumentParser
import Foundation
import Images
import Workbench

/// The settings `cfx cluster` and `cfx eval clustering` share.
struct ClusteringOptions: ParsableArguments {
  @OptionGroup var imageSet: ImageSetOption
  @Option(help: "Clusters K (default: the set's number of classes).")
  var clusters: Int?
  @Option(help: "Cluster a seeded subset of N images of all splits (default: every image).")
  var limit: Int?
  @Option(help: "Random seed (subset, initialisations, training order).")
  var seed: UInt64 = 0
  @Option(help: "Per-class attribute table (CSV: class,TAG,...; default: images/attributes/SET.csv when shipped; attribute shapes use their generating attributes).")
  var attributes: String?
  @Option(help: "Autoencoder: dense (784/3072-500-500-2000-latent) or convolutional (3 stride-2 convolutions).")
  var autoencoder: AutoencoderKind = .dense
  @Option(parsing: .upToNextOption, help: "Hidden widths (dense) or channels per stride-2 stage (convolutional); default 500 500 2000 or 32 64 128.")
  var hidden: [Int] = []
  @Option(help: "Embedding size of the autoencoder.")
  var latent = 10
  @Option(help: "Autoencoder pretraining epochs.")
  var epochs = 30
  @Option(name: .customLong("lambda-tag"), help: "Weight λ_tag of the tag loss: L = MSE + λ_tag·BCE (constrained autoencoder, DECCS with tags).")
  var lambdaTag: Float = 0.5
  @Option(help: "Minibatch size.")
  var batchSize = 256
  @Option(help: "AdamW learning rate.")
  var learningRate: Float = 1e-3
  @Option(help: "DECCS: at most this many rounds (it stops earlier when the ensemble agreement stops improving).")
  var rounds = 8
  @Option(help: "DECCS: images the ensemble clusters each round.")
  var subsample = 2000
  @Option(help: "DECCS: encoder-update epochs per round.")
  var epochsPerRound = 1
  @Option(help: "Explanations: coverage α each cluster's tags must reach (Σ_j W_ij Q_ij ≥ α).")
  var alpha = 0.9
  @Option(help: "Explanations: bound β on each tag's use across clusters (Σ_i W_ij Q_ij ≤ β).")
  var beta = 1.2
  @Flag(help: "No progress bars.")
  var quiet = false

  func validate() throws {
    guard clusters.map({ $0 >= 2 }) ?? true, limit.map({ $0 >= 2 }) ?? true else { throw ValidationError("--clusters and --limit must be at least 2") }
    guard latent > 0, epochs >= 0, batchSize > 0, learningRate > 0, lambdaTag >= 0, rounds >= 1, subsample >= 10, epochsPerRound >= 1 else {
      throw ValidationError("--latent, --batch-size, --learning-rate, --rounds, --epochs-per-round must be positive, --subsample ≥ 10, --epochs and --lambda-tag ≥ 0")
    }
    guard hidden.allSatisfy({ $0 > 0 }) else { throw ValidationError("--hidden takes positive widths") }
    guard alpha > 0, beta > 0 else { throw ValidationError("--alpha and --beta must be positive") }
  }

  /// The request for `method`, writing to `out`.
  func request(method: ClusteringMethod, out: String, restart: Bool) -> ClusteringRequest {
    var r = ClusteringRequest(dataDirectory: imageSet.directory, outputDirectory: URL(fileURLWithPath: out), method: method)
    r.attributeTable = attributes.map { URL(fileURLWithPath: $0) } ?? ShippedModels.attributeTable(forSet: imageSet.directory.lastPathComponent)
    (r.clusterCount, r.limit, r.seed) = (clusters, limit, seed)
    (r.autoencoderKind, r.latent, r.epochs, r.tagWeight, r.batchSize, r.learningRate) = (autoencoder, latent, epochs, lambdaTag, batchSize, learningRate)
    r.hidden = hidden.isEmpty ? nil : hidden
    (r.rounds, r.subsample, r.epochsPerRound, r.alpha, r.beta, r.restart, r.quiet) = (rounds, subsample, epochsPerRound, alpha, beta, restart, quiet)
    return r
  }
}

extension AutoencoderKind: ExpressibleByArgument {}
extension ClusteringMethod: ExpressibleByArgument {}

struct Cluster: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Cluster an image set and explain every cluster by the fewest semantic tags that cover it.",
    discussion: """
      Methods: kmeans-pixels, kmeans-pca (PCA-50), ae-kmeans (plain autoencoder), cae-kmeans \
      (constrained autoencoder: L = MSE + λ_tag·BCE on the tags), deccs (consensus clustering \
      of Miklautz et al. on the constrained autoencoder: ensemble of k-means, spectral, Ward and \
      a Gaussian mixture, rounds until their agreement stops improving), deccs-no-tags, \
      oracle-tags (the true tags appended to the embedding). Scores against the classes (NMI, \
      ARI, ACC, silhouette); explanations by Deep Descriptive Clustering's integer program, \
      solved exactly, with tag coverage, inverse tag frequency and (attribute shapes) the \
      precision and recall of the chosen tags against the generating ones. Writes \
      assignments.csv, result.json, clusters.png and clusters.svg to --out; DECCS checkpoints \
      every round in OUT/deccs and continues an interrupted run; pretrained autoencoders are \
      kept in OUT/autoencoders and reused. scripts/check-clustering.py recomputes the scores.
      Example: cfx cluster --set attribute-shapes --method deccs --out results/shapes-deccs
      """)

  @OptionGroup var options: ClusteringOptions
  @Option(help: "Method: \(ClusteringMethod.allCases.map(\.rawValue).joined(separator: ", ")).")
  var method: ClusteringMethod = .deccs
  @Option(help: "Output directory.")
  var out: String
  @OptionGroup var journal: JournalOptions

  func run() throws {
    print(try stoppable { try ClusteringJob.run(options.request(method: method, out: out, restart: journal.restart)).text })
  }
}
