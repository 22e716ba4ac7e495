// The engines speak of settings; the command line speaks of options. These translate the
// engines' typed errors into the option names a user typed, so each message says what to change.

import ArgumentParser
import Molecules

/// An error to print as it is ("Error: …"), without the usage text.
struct CommandLineError: Error, CustomStringConvertible {
  /// The message, in option names.
  var description: String
}

extension MoleculeCounterfactualError {
  /// The message in terms of `cfx explain` / `cfx eval molecules` options.
  var inOptionNames: String {
    switch self {
    case .noReferenceSet: "--method nearest needs a reference set (--reference FILE, default the training data)"
    case .noModel(let method): "--method \(method.rawValue) needs a molecule model (--model DIR)"
    case .particlesNeedSteering(let particles): "--particles \(particles) needs steering (--steer λ > 0): without weights there is nothing to choose by"
    case .proximityNeedsSteering(let proximity): "--proximity \(proximity) needs steering (--steer λ > 0): proximity is a term of the steering potential"
    case .tauOutsideModel(let tau, let stepCount): "--tau \(tau) is outside 1...\(stepCount) (the model's T)"
    case .otherProperty(let model, let asked):
      "the model is conditioned on \(model.rawValue), not \(asked.rawValue); use --method nearest for other properties, "
        + "let the unconditional model propose within a budget (--budget 100, unsteered), or steer it towards the target with --steer (e.g. --steer 4)"
    case .otherWindow(let model, let asked):
      "this model only knows the window \(model) (class 1); asked for \(asked). Use a continuous model "
        + "(`cfx train molecules --condition continuous`) or --method nearest, let the unconditional model propose within a budget (--budget 100, unsteered), or steer it towards the target with --steer (e.g. --steer 4)"
    }
  }
}

/// Runs `body`, reporting the engines' setting errors under their option names.
func reportingOptionNames<T>(_ body: () throws -> T) throws -> T {
  do { return try body() } catch let error as MoleculeCounterfactualError { throw CommandLineError(description: error.inOptionNames) }
}
