// `cfx props`: molecular properties of SMILES, files or stdin.

import ArgumentParser
import Chemistry
import Foundation
import Workbench

extension ChemistryPropsJob.OutputFormat: ExpressibleByArgument {}
extension FingerprintKind: ExpressibleByArgument {}

struct Props: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "props",
    abstract: "Print validity, logp, logp-openbabel, MW, TPSA, SA score, stability alerts, QED and MOSES filters of molecules.",
    discussion: """
      Inputs are SMILES strings, molecule files (format from the extension: .smi, .sdf, .mol, \
      .mol2, or any Open Babel format; override with --format) or '-' for standard input. \
      logp is the Wildman–Crippen logP (RDKit's MolLogP parameters); logp-openbabel is Open \
      Babel's own. sa is the Ertl–Schuffenhauer synthetic accessibility score (1 easy … 10 hard, \
      RDKit's sascorer); alerts names the unstable or implausible groups found (acyclic enamine, \
      acyl halide, N–O single bond, peroxide, …: 44 alerts, each with its SMARTS and reason in \
      Sources/Chemistry/StabilityAlerts.swift). QED is Bickerton's drug-likeness as RDKit computes \
      it (mean weights); MOSES lists the MOSES medicinal-chemistry filters a molecule fails (MCF \
      and PAINS SMARTS, atoms other than C N S O F Cl Br H, charges, rings of 8 or more atoms), \
      "pass" when none. Unreadable records are skipped and listed on standard error.
      """)

  @Argument(help: "SMILES strings, files, or '-' for standard input.")
  var inputs: [String] = []

  @Option(help: "A molecule file, or - for standard input (as an argument naming it; repeat for several).")
  var input: [String] = []

  @Option(help: "Input format (Open Babel id: smi, sdf, mol2, …); default: from the file extension.")
  var format: String?

  @Option(help: "Reference SMILES; adds a similarity column.")
  var reference: String?

  @Option(help: "Fingerprint for --reference.")
  var fingerprint: FingerprintKind = .morganBits

  @Option(help: "What is printed: table, csv or json.")
  var outputFormat: ChemistryPropsJob.OutputFormat = .table
  /// The spelling of --output-format before --out and --output meant a file everywhere.
  @Option(help: .private) var output: ChemistryPropsJob.OutputFormat?

  @Option(help: "Also write the molecules to this SDF file with the properties as tags.")
  var sdf: String?

  func validate() throws {
    guard !inputs.isEmpty || !input.isEmpty else { throw ValidationError("give SMILES or files as arguments, or --input FILE (- for stdin)") }
    guard output == nil || outputFormat == .table else { throw ValidationError("--output is the old spelling of --output-format: give one of them") }
  }

  func run() throws {
    let fileManager = FileManager.default
    let parsedInputs: [ChemistryPropsJob.Input] = inputs.map { input in
      if input == "-" { return .standardInput }
      return fileManager.fileExists(atPath: input) || input.contains("/") ? .file(input) : .smiles(input)
    } + input.map { $0 == "-" ? .standardInput : .file($0) }
    let job = ChemistryPropsJob(inputs: parsedInputs, format: format, reference: reference, fingerprint: fingerprint, output: output ?? outputFormat, sdfPath: sdf)
    let outcome = try job.run()
    print(job.render(outcome.rows))
    for line in outcome.skipped { FileHandle.standardError.write(Data("skipped: \(line)\n".utf8)) }
  }
}
