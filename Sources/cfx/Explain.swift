// `cfx explain`: counterfactuals of given inputs, one subcommand per domain — molecules (the
// default: `cfx explain SMILES …` is `cfx explain molecules SMILES …`) and graphs. The inputs,
// output and sampling flags are the same groups in each.

import ArgumentParser
import Foundation

struct Explain: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Counterfactuals of molecules or graphs (the closest valid ones that meet a target, GDCE) and explanations of image classifiers.",
    discussion: """
      The input is noised to step --tau and denoised back under the target with classifier-free \
      guidance, --samples times; results are ranked valid-and-on-target first, then by closeness. \
      Without a subcommand the inputs are molecules.
      Examples:
        cfx explain 'CCCCCCCCCCCCOc1ccccc1' --target 1.7:3.8 --out results/
        cfx explain graphs 'G?`DF{'
      """,
    subcommands: [ExplainMolecules.self, ExplainGraphs.self, ExplainImages.self],
    defaultSubcommand: ExplainMolecules.self)
}

/// Inputs (inline or files, as arguments or --input) and outputs of an explain command.
struct ExplainInputOutputOptions: ParsableArguments {
  @Argument(help: "Inputs in the command's notation, or files of them (an argument naming an existing file is read as --input reads it).")
  var inputs: [String] = []
  @Option(help: "A file of inputs, or - for standard input.")
  var input: String?
  @Option(help: "Output directory for the CSV, JSON and pictures.")
  var out: String?
  @Option(help: "Rows shown per input.")
  var show = 5
  @Flag(help: "No progress bar.")
  var quiet = false
  @OptionGroup var journal: JournalOptions

  func validate() throws {
    guard !inputs.isEmpty || input != nil else { throw ValidationError("give inputs as arguments or --input FILE (- for stdin)") }
    guard show >= 0 else { throw ValidationError("--show must be ≥ 0") }
  }

  /// Arguments that name existing files and the --input file, in order (stdin excluded).
  var files: [String] { inputs.filter(Self.isFile) + [input].compactMap { $0 == "-" ? nil : $0 } }
  /// Inline arguments with their 1-based positions.
  var inlineInputs: [(source: String, text: String)] {
    inputs.enumerated().filter { !Self.isFile($0.element) }.map { (source: "argument \($0.offset + 1)", text: $0.element) }
  }
  /// Whether the inputs include standard input (--input -).
  var readsStandardInput: Bool { input == "-" }
  /// The output directory, if any.
  var outputDirectory: URL? { out.map { URL(fileURLWithPath: $0) } }

  static func isFile(_ path: String) -> Bool {
    var directory: ObjCBool = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &directory) && !directory.boolValue
  }

  /// Lines of a file or of standard input ("-"), labelled "NAME:LINE".
  static func lines(of input: String) throws -> [(source: String, text: String)] {
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
}
