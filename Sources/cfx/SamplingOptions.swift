// The sampling flags of every generating command (--tau, --samples, --scale, --seed), declared
// once; each command supplies its defaults, which its help then states.

import ArgumentParser
import DiffusionCore

/// A command's sampling defaults, as the engine or protocol behind it defines them.
protocol SamplingDefaults {
  /// The defaults (no τ: the command samples from noise and takes no --tau).
  static var sampling: SamplingSettings { get }
  /// How the help states each default (derived from `sampling` unless the defaults depend on
  /// the model, as in `cfx bench explain`).
  static var helpDefaults: (taus: String, samples: String, scale: String) { get }
  /// What one sample is in this command ("counterfactuals per input and τ", "graphs", …).
  static var samplesMeaning: String { get }
}

extension SamplingDefaults {
  static var helpDefaults: (taus: String, samples: String, scale: String) {
    (sampling.taus.map(String.init).joined(separator: ","), "\(sampling.samples)", "\(sampling.guidanceScale)")
  }
  static var samplesMeaning: String { "counterfactuals per input and τ" }
}

/// One or more noise steps: "50" or "10,50,100".
struct TauList: ExpressibleByArgument {
  /// The steps.
  var taus: [Int]
  init?(argument: String) {
    let parts = argument.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
    guard !parts.isEmpty, parts.allSatisfy({ $0 != nil }) else { return nil }
    taus = parts.map { $0! }
  }
}

/// --tau, --samples, --scale and --seed, with the defaults of `Defaults`.
struct SamplingOptions<Defaults: SamplingDefaults>: ParsableArguments {
  @Option(name: .customLong("tau"), help: ArgumentHelp(
    "Noise step τ: the input is noised to step τ and denoised back under the target; repeat, or give a comma list, for several (default \(Defaults.helpDefaults.taus)).",
    valueName: "tau", visibility: Defaults.sampling.taus.isEmpty ? .private : .default))
  var tau: [TauList] = []
  /// The spelling of the evaluations before one group served every command: `--taus 10 50 100`.
  @Option(name: .customLong("taus"), parsing: .upToNextOption, help: .private)
  var spacedTaus: [Int] = []
  @Option(help: "\(Defaults.samplesMeaning.prefix(1).uppercased() + Defaults.samplesMeaning.dropFirst()) (default \(Defaults.helpDefaults.samples)).")
  var samples: Int?
  @Option(help: "Guidance scale s: 1 is the conditional model, larger pushes harder towards the target (default \(Defaults.helpDefaults.scale)).")
  var scale: Float?
  @Option(help: "Random seed of everything stochastic in the run.")
  var seed: UInt64 = 0

  /// The τ values given, in order (empty: none given).
  var givenTaus: [Int] { tau.flatMap(\.taus) + spacedTaus }

  func validate() throws {
    if Defaults.sampling.taus.isEmpty && !givenTaus.isEmpty {
      throw ValidationError("this command samples from pure noise (τ = T) and takes no --tau; counterfactuals of an input at τ are `cfx explain graphs`")
    }
    if let bad = givenTaus.first(where: { $0 < 1 }) { throw ValidationError("--tau \(bad): noise steps start at 1") }
    if let samples, samples < 1 { throw ValidationError("--samples \(samples): must be at least 1") }
    if let scale, !scale.isFinite { throw ValidationError("--scale must be a finite number") }
  }

  /// The settings asked for, the gaps filled from `defaults` (the command's unless the defaults
  /// depend on what is run).
  func settings(defaults: SamplingSettings = Defaults.sampling) -> SamplingSettings {
    SamplingSettings(
      taus: givenTaus.isEmpty ? defaults.taus : givenTaus, samples: samples ?? defaults.samples,
      guidanceScale: scale ?? defaults.guidanceScale, seed: seed)
  }
}
