// `cfx explain`: counterfactuals of given graphs (graph6, planar model) or molecules (SMILES,
// molecule model) with GDCE, plus the FreeGress and retrieval baselines for molecules.

import ArgumentParser
import Diffusion
import Foundation
import Molecules
import Workbench

extension TargetProperty: ExpressibleByArgument {}
extension MoleculeCounterfactualMethod: ExpressibleByArgument {}

struct Explain: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Counterfactuals of a graph or molecule: the closest valid ones that meet a target (GDCE).",
    discussion: """
      The input is noised to step --tau and denoised back under the target with classifier-free \
      guidance, --samples times; results are ranked valid-and-on-target first, then by closeness.
      Graphs (planar model): graph6 strings as arguments, a file of graph6 lines as an argument or \
      with --input, or --input - for stdin; closeness is the exact graph edit distance.
      Molecules (SMILES arguments, .smi/.sdf files as arguments or with --input, or --input - for \
      SMILES lines on stdin): --target 1.7:3.8, >=2.5 or <=3. Unless --model is given, the shipped window model \
      (molecules/models/molecules) answers the drug-like window 1.7:3.8 and other properties, the \
      continuous-logP model (molecules/models/molecules-logp) any other logP target; \
      closeness is Tanimoto on Morgan radius-2 2048-bit fingerprints. By default GDCE runs at tau \
      50 with scale 8, valence-constrained, steered by the exact property (--steer 10, 3 particles \
      per answer) and refined to minimal edits; --steer 0 --no-refine gives plain GDCE. \
      --method freegress samples from noise under the target; --method nearest returns the most \
      similar in-target molecule of the training data (cfx data molecules).
      Examples:
        cfx explain 'G?`DF{'                      # one edge fewer, shipped planar model
        cfx explain --input test.g6 --tau 50 --samples 100 --out results/
        cfx explain 'CCCCCCCCCCCCOc1ccccc1' --target 1.7:3.8 --out results/
        cfx explain --input molecules/examples/example.smi --property tpsa --target 60:90 --steer 10
        cfx explain --method nearest 'CCO' --target '>=2.5'
      """)

  @Argument(help: "graph6 strings or SMILES, or files of them (an argument naming an existing file is read as --input reads it).")
  var graphs: [String] = []
  @Option(help: "A file of graph6 lines or molecules (.smi, .sdf, …), or - for standard input.")
  var input: String?
  @Option(help: "Model directory (default: the shipped model, molecules/models/planar for graphs; for molecules molecules/models/molecules, or molecules/models/molecules-logp for logP targets other than 1.7:3.8).")
  var model: String?
  @Option(help: "Graphs: target edge count (default: the input's edge count plus --delta).")
  var targetEdges: Int?
  @Option(help: "Graphs: target relative to the input's edge count.")
  var delta = -1
  @Option(help: "Molecules: the property of the target: \(TargetProperty.allCases.map(\.rawValue).joined(separator: ", ")).")
  var property: TargetProperty?
  @Option(help: "Molecules: target range LOW:HIGH, >=LOW or <=HIGH (default 1.7:3.8, the drug-like logP window).")
  var target: String?
  @Option(help: "Molecules: gdce, freegress or nearest.")
  var method: MoleculeCounterfactualMethod?
  @Flag(inversion: .prefixedNo, help: "Molecules: valence-constrained sampling.")
  var constrained = true
  @Option(help: ArgumentHelp(
    "Molecules: property steering strength (0 = off; default \(MoleculeCounterfactualSettings.recommended.steering) for gdce, 0 for freegress).",
    discussion: "The samples become particles, reweighted by exp(-steer * distance of the predicted molecule's property from the target) and resampled; also reaches targets the model was not conditioned on."))
  var steer: Double?
  @Option(help: "Molecules: steering particles per counterfactual (default \(MoleculeCounterfactualSettings.recommended.particles) when steering, else 1): K·N particles run and the K best distinct molecules returned (in target first, most similar to the input among those); N times the cost.")
  var particles: Int?
  @Option(help: ArgumentHelp(
    "Molecules: proximity weight of steering (needs --steer; 0 = off).",
    discussion: "Adds proximity * Tanimoto(predicted molecule, input) to the steering potential, so that among molecules that meet the target the particles closer to the input are kept (e.g. --proximity 5)."))
  var proximity: Double = 0
  @Flag(inversion: .prefixedNo, help: ArgumentHelp(
    "Molecules (gdce): minimal-edit refinement.",
    discussion: "Every valid in-target counterfactual has the edits it does not need undone, greedily, as long as it stays valid, in target and at least as similar to the input (Sources/Workbench/MinimalEdits.swift)."))
  var refine = true
  @Option(help: "Molecules: reference molecules for --method nearest (default ~/.cache/cfx/data/molecules/train.jsonl).")
  var reference: String?
  @Option(help: "Molecules: use at most N reference molecules.")
  var referenceLimit: Int?
  @Option(help: "Noise step tau (repeat for several; default 50 for graphs, \(MoleculeCounterfactualSettings.recommended.tau) for molecules).")
  var tau: [Int] = []
  @Option(help: "Counterfactuals per input and tau (default 100 for graphs, 10 for molecules).")
  var samples: Int?
  @Option(help: "Guidance scale s (1 = conditional model; larger pushes harder to the target; default \(GraphCounterfactualEngine.recommended.scale) for graphs, \(MoleculeCounterfactualSettings.recommended.scale) for molecules).")
  var scale: Float?
  @Option(help: "Random seed.")
  var seed: UInt64 = 0
  @Option(help: "Output directory (graphs: CSV and JSON; molecules: CSV, JSON, SDF and SVG grids).")
  var out: String?
  @Option(help: "Rows shown per input.")
  var show = 5
  @Flag(help: "No progress bar.")
  var quiet = false

  func validate() throws {
    guard (samples ?? 1) > 0, show >= 0 else { throw ValidationError("--samples must be positive") }
    guard !graphs.isEmpty || input != nil else { throw ValidationError("give inputs as arguments or --input FILE (- for stdin)") }
    guard (steer ?? 0) >= 0 && (steer ?? 0).isFinite else { throw ValidationError("--steer must be a finite number ≥ 0 (0 switches steering off)") }
    guard (particles ?? 1) >= 1 else { throw ValidationError("--particles must be ≥ 1") }
    guard tau.allSatisfy({ $0 >= 1 }) else { throw ValidationError("--tau must be ≥ 1") }
    guard proximity >= 0 && proximity.isFinite else { throw ValidationError("--proximity must be a finite number ≥ 0 (0 switches it off)") }
    // Particles and proximity act through steering.
    if moleculeMethod != .nearest && moleculeSteering == 0 {
      if let particles, particles > 1 { throw ValidationError(MoleculeCounterfactualError.particlesNeedSteering(particles: particles).inOptionNames) }
      if proximity > 0 { throw ValidationError(MoleculeCounterfactualError.proximityNeedsSteering(proximity: proximity).inOptionNames) }
    }
  }

  /// The molecule method, GDCE unless asked otherwise.
  var moleculeMethod: MoleculeCounterfactualMethod { method ?? .gdce }
  /// Steering strength: as asked, else the recommended one for GDCE (measured, see
  /// MoleculeCounterfactualSettings) and none for the baselines.
  var moleculeSteering: Double { steer ?? (moleculeMethod == .gdce ? MoleculeCounterfactualSettings.recommended.steering : 0) }

  /// Arguments that name existing files (read like --input), and the others with their
  /// 1-based positions (graph6 or SMILES given inline).
  var argumentFiles: [String] { graphs.filter(Self.isFile) }
  var inlineArguments: [(source: String, text: String)] {
    graphs.enumerated().filter { !Self.isFile($0.element) }.map { (source: "argument \($0.offset + 1)", text: $0.element) }
  }
  static func isFile(_ path: String) -> Bool {
    var directory: ObjCBool = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &directory) && !directory.boolValue
  }

  /// Molecule mode: asked for by a molecule option, a molecule file, or a molecule model.
  var isMoleculeRequest: Bool {
    if target != nil || property != nil || method != nil || reference != nil || (steer ?? 0) > 0 { return true }
    // graph6 uses only bytes 63...126: an argument with a digit, parenthesis or bond symbol
    // (bytes below 63, a space before a name aside) cannot be graph6, so it is SMILES.
    if inlineArguments.contains(where: { $0.text.utf8.contains { $0 < 63 && $0 != 0x20 } }) { return true }
    let moleculeFile = { (path: String) in ["smi", "smiles", "sdf", "mol", "mol2"].contains(URL(fileURLWithPath: path).pathExtension.lowercased()) }
    if (argumentFiles + [input].compactMap { $0 }).contains(where: moleculeFile) { return true }
    if let model { return FileManager.default.fileExists(atPath: URL(fileURLWithPath: model).appendingPathComponent(MoleculeExperimentInfo.fileName).path) }
    return false
  }

  func run() throws {
    if isMoleculeRequest { return try runMolecules() }
    var inputs = inlineArguments
    for file in argumentFiles + [input].compactMap({ $0 }) { inputs += try lines(of: file) }
    let modelURL = try model.map { URL(fileURLWithPath: $0) } ?? ShippedModels.directory("planar")
    let request = ExplainGraphsRequest(
      modelDirectory: modelURL, inputs: inputs, targetEdges: targetEdges, edgeDelta: delta, taus: tau.isEmpty ? [GraphCounterfactualEngine.recommended.tau] : tau, samples: samples ?? GraphCounterfactualEngine.recommended.samples,
      scale: scale ?? GraphCounterfactualEngine.recommended.scale, seed: seed, outputDirectory: out.map { URL(fileURLWithPath: $0) }, show: show)
    print(try ExplainGraphsJob.run(request))
  }

  /// Lines of a file or of stdin ("-"), labelled "NAME:LINE".
  func lines(of input: String) throws -> [(source: String, text: String)] {
    let text: String
    if input == "-" {
      text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
    } else {
      do { text = try String(contentsOfFile: input, encoding: .utf8) } catch {
        throw ValidationError("\(input): cannot read (\(error.localizedDescription))")
      }
    }
    let name = input == "-" ? "stdin" : input
    return text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().map {
      (source: "\(name):\($0.offset + 1)", text: String($0.element))
    }
  }

  func runMolecules() throws {
    let chosen = moleculeMethod
    if target == nil && (property ?? .logp) != .logp { throw ValidationError("--property \(property!.rawValue) needs --target (e.g. --target 250:350)") }
    let goal = try target.map { try PropertyTarget.parse($0, property: property ?? .logp) }
      ?? PropertyTarget(property: property ?? .logp, lower: PropertyTarget.drugLikeLogP.lower, upper: PropertyTarget.drugLikeLogP.upper)
    var smiles = inlineArguments
    var files = argumentFiles
    if let input { if input == "-" { smiles += try lines(of: input) } else { files.append(input) } }
    var modelURL: URL? = model.map { URL(fileURLWithPath: $0) }
    if modelURL == nil && chosen != .nearest { modelURL = try ShippedModels.moleculeModel(for: goal) }
    // Defaults: the recommended GDCE settings (measured, see MoleculeCounterfactualSettings).
    let recommended = MoleculeCounterfactualSettings.recommended
    let steering = moleculeSteering
    let request = ExplainMoleculesRequest(
      modelDirectory: modelURL, smiles: smiles, inputFiles: files, target: goal,
      settings: MoleculeCounterfactualSettings(
        method: chosen, taus: tau.isEmpty ? [recommended.tau] : tau, samples: samples ?? 10, scale: scale ?? recommended.scale, seed: seed,
        constrained: constrained, steering: steering, particles: particles ?? (steering > 0 ? recommended.particles : 1), proximity: proximity,
        refine: refine),
      referenceFile: reference.map { URL(fileURLWithPath: $0) }, referenceLimit: referenceLimit,
      outputDirectory: out.map { URL(fileURLWithPath: $0) }, show: show, quiet: quiet)
    print(try reportingOptionNames { try ExplainMoleculesJob.run(request).text })
  }
}
