// The job `cfx demo` runs: the most complete real work cfx can do so far, on bundled defaults.

import Diffusion
import DiffusionCore
import Foundation
import Graphs
import Molecules

/// The outcome of the demo job: a report for the terminal and whether every step worked.
public struct DemoJob: Sendable {
  /// Text for the terminal.
  public var text: String
  /// Whether every step succeeded.
  public var succeeded: Bool

  /// Molecules outside the logP window the demo moves into it (logP 4.68 and −1.25).
  public static let exampleMolecules = ["CCCCCCCCCCCCCCO", "OC(=O)CC(O)(CC(=O)O)C(=O)O"]

  /// The bundled example graphs (graph6) the demo explains.
  public static let exampleGraphs = ["G??@~w", "G??Xv{", "G??^~w"]  // 8 nodes; 10, 12, 14 edges (planar test split)

  /// Runs every step that exists today, writing results to `outputDirectory`, and lists what is
  /// still missing.
  public static func run(seed: UInt64, outputDirectory: URL) -> DemoJob {
    var lines: [String] = ["cfx demo (seed \(seed))", "", "1. Native libraries:"]
    let native = NativeLibraryReport.run()
    lines.append(native.text)
    var ok = native.allPassed
    lines += ["", "2. Graph counterfactuals with the shipped planar model (one edge fewer, GDCE, tau 50, 100 samples each):"]
    do {
      let model = try ShippedModels.directory("planar")
      var sampling = GraphCounterfactualEngine.recommended
      sampling.seed = seed
      let request = ExplainGraphsRequest(
        modelDirectory: model, inputs: exampleGraphs.enumerated().map { (source: "example \($0.offset + 1)", text: $0.element) },
        targetEdges: nil, edgeDelta: -1, sampling: sampling, outputDirectory: outputDirectory, show: 3)
      lines.append(try ExplainGraphsJob.run(request))
    } catch {
      ok = false
      lines.append("FAILED: \(error)")
    }
    let window = PropertyTarget(property: .logp, lower: PropertyTarget.drugLikeLogP.lower, upper: PropertyTarget.drugLikeLogP.upper)
    let molecules = exampleMolecules.enumerated().map { (source: "molecule \($0.offset + 1)", text: $0.element) }
    /// The recommended settings for `target`, with the demo's seed.
    func recommended(for target: PropertyTarget) -> MoleculeCounterfactualSettings {
      var settings = MoleculeCounterfactualSettings.recommended(for: target)
      settings.sampling.seed = seed
      return settings
    }
    /// What the settings do, in words.
    func described(_ r: MoleculeCounterfactualSettings) -> String {
      "GDCE from tau \(r.sampling.taus[0]), scale \(r.sampling.guidanceScale), "
        + (r.budget.map { "up to \($0) logP evaluations per molecule spent in rounds at an adapted tau, " } ?? "")
        + (r.steering > 0 ? "steering λ = \(r.steering) with \(r.particles) particles per answer, " : "")
        + "refined, \(r.sampling.samples) answers each"
    }
    /// The example molecules explained towards `target` with the recommended settings.
    func explainExamples(towards target: PropertyTarget, folder: String) {
      let r = recommended(for: target)
      do {
        let request = ExplainMoleculesRequest(
          modelDirectory: try ShippedModels.moleculeModel(for: target), smiles: molecules, inputFiles: [], target: target,
          settings: r,
          referenceFile: nil, referenceLimit: nil, outputDirectory: outputDirectory.appendingPathComponent(folder), show: 3, quiet: true)
        lines.append(try ExplainMoleculesJob.run(request)!.text)
      } catch {
        ok = false
        lines.append("FAILED: \(error)")
      }
    }
    lines += ["", "3. Molecules into the logP window [1.7, 3.8] with the shipped molecule model (\(described(recommended(for: window))); Tanimoto on Morgan r2 2048 bits):"]
    explainExamples(towards: window, folder: "molecules")
    let other = PropertyTarget(property: .logp, lower: 3, upper: 4)
    lines += ["", "4. Another logP target, [3, 4], with the shipped continuous-logP model (conditioned on the value; \(described(recommended(for: other)))):"]
    explainExamples(towards: other, folder: "molecules-logp-3-4")
    lines += ["", "5. The window target by retrieval, for comparison (the nearest in-window molecule of the bundled 4,002-molecule ZINC subset):"]
    do {
      let reference = try ShippedModels.moleculesDirectory().appendingPathComponent("zinc-subset.smi")
      let request = ExplainMoleculesRequest(
        modelDirectory: nil, smiles: molecules, inputFiles: [], target: window,
        settings: MoleculeCounterfactualSettings(method: .nearest, sampling: SamplingSettings(taus: [], samples: 1, guidanceScale: 1, seed: seed), constrained: true),
        referenceFile: reference, referenceLimit: nil, outputDirectory: outputDirectory.appendingPathComponent("molecules-retrieval"), show: 3, quiet: true)
      lines.append(try ExplainMoleculesJob.run(request)!.text)
    } catch {
      ok = false
      lines.append("FAILED: \(error)")
    }
    lines += ["", "6. Why the shipped Fashion-MNIST classifier errs: its first three misclassified test images, explained by saliency-partition counterfactuals (cells of its last convolution map replaced from correctly classified validation images until it predicts the true class) beside Grad-CAM and coalition-guided perturbation:"]
    do {
      // The set comes from Debian's dataset-fashion-mnist (installed by the setup script); it is converted once into the cache.
      let data = ImageDataRequest(sets: [.fashionMNIST], seed: seed)
      let directory = data.directory(.fashionMNIST)
      if !FileManager.default.fileExists(atPath: directory.appendingPathComponent("manifest.json").path) { _ = try ImageDataJob.run(data) { _ in } }
      var request = ImageExplainRequest(
        dataDirectory: directory, classifierDirectory: try ShippedModels.imageClassifier(forSet: ImageSetName.fashionMNIST.rawValue),
        outputDirectory: outputDirectory.appendingPathComponent("images"), inputs: .misclassified(3), methods: ["partition", "gradcam", "coalitions"])
      (request.quiet, request.saliency.seed) = (true, seed)
      lines.append(try ImageExplainJob.run(request).text)
    } catch {
      ok = false
      lines.append("FAILED: \(error)")
    }
    lines += ["", "7. Clusters that explain themselves: 288 generated attribute shapes (classes are conjunctions of known tags), a small constrained autoencoder, DECCS consensus clustering, each cluster explained by the fewest tags that cover it:"]
    do {
      lines.append(try clustering(seed: seed, outputDirectory: outputDirectory.appendingPathComponent("clustering")))
    } catch {
      ok = false
      lines.append("FAILED: \(error)")
    }
    lines += ["", "8. Several counterfactuals per class: a Shapes-modes scene is positive when its object is red or its floor cyan; the training scenes the shipped classifier calls positive are clustered into two modes in the shipped diffusion autoencoder's latent, and two negative test scenes are moved along each mode's direction until the classifier says positive:"]
    do {
      lines.append(try severalPerClass(seed: seed, outputDirectory: outputDirectory.appendingPathComponent("modes")))
    } catch {
      ok = false
      lines.append("FAILED: \(error)")
    }
    return DemoJob(text: lines.joined(separator: "\n"), succeeded: ok)
  }

  /// Step 8 of the demo: 2,000 generated Shapes-modes training scenes (in
  /// `outputDirectory`/data/images), DifCluE with the shipped models, two inputs.
  public static func severalPerClass(seed: UInt64, outputDirectory: URL) throws -> String {
    let data = ImageDataRequest(sets: [.shapesModes], cacheDirectory: outputDirectory, seed: seed, generatedTrainingCount: 2000)
    _ = try ImageDataJob.run(data) { _ in }
    let set = ImageSetName.shapesModes.rawValue
    var request = DifCluERequest(
      dataDirectory: data.directory(.shapesModes), classifierDirectory: try ShippedModels.imageClassifier(forSet: set),
      diffusionDirectory: try ShippedModels.imageDiffusionAutoencoder(forSet: set), outputDirectory: outputDirectory, inputs: .outsideTarget(2), target: "positive")
    (request.modes, request.seed, request.quiet) = (2, seed, true)
    return try DifCluEJob.run(request).text
  }

  /// Step 7 of the demo: 288 generated attribute shapes (in `outputDirectory`/data/images), a
  /// small constrained autoencoder, DECCS and the explanations; returns the report.
  public static func clustering(seed: UInt64, outputDirectory: URL) throws -> String {
    let data = ImageDataRequest(sets: [.attributeShapes], cacheDirectory: outputDirectory, seed: seed, generatedTrainingCount: 240)
    _ = try ImageDataJob.run(data) { _ in }
    var request = ClusteringRequest(dataDirectory: data.directory(.attributeShapes), outputDirectory: outputDirectory.appendingPathComponent("deccs"), method: .deccs)
    (request.seed, request.hidden, request.latent, request.epochs, request.batchSize, request.learningRate) = (seed, [128], 8, 40, 32, 2e-3)
    (request.rounds, request.subsample, request.epochsPerRound, request.quiet) = (3, 264, 2, true)
    return try ClusteringJob.run(request).text
  }
}
