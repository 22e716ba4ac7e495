import Foundation
import Testing

/// `cfx explain --oracle`: a user's model as the target from the command line, its outputs
/// written with the evaluations they cost, and a failing oracle reported without losing the
/// inputs already finished.
@Suite(.serialized) struct OracleCommandTests {
  /// A POSIX-shell oracle answering the number of `O` characters of each SMILES.
  static let oxygenCounter =
    #"while IFS= read -r s; do if [ -z "$s" ]; then echo; else printf '%s\n' "$(printf %s "$s" | tr -cd O | wc -c)"; fi; done"#

  func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("cfx-oracle-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  /// Runs the mutation baseline on `inputs` against the oxygen counter into a fresh directory;
  /// returns the output directory (removed by the caller) and stdout.
  func mutate(_ inputs: [String], target: String, budget: Int, samples: Int, seed: Int) throws -> (directory: URL, out: URL, stdout: String) {
    let directory = try temporaryDirectory()
    let out = directory.appendingPathComponent("out")
    let (status, stdout, stderr) = try runCFX(["explain"] + inputs + [
      "--method", "mutate", "--oracle", Self.oxygenCounter, "--target", target,
      "--budget", "\(budget)", "--samples", "\(samples)", "--seed", "\(seed)", "--quiet", "--out", out.path,
    ])
    #expect(status == 0, "\(stdout)\n\(stderr)")
    return (directory, out, stdout)
  }

  @Test func mutationBaselineExplainsAnOracleWithinTheBudget() throws {
    let (directory, out, stdout) = try mutate(["OCCCCCCO", "OCC(O)CO"], target: "<=1", budget: 50, samples: 3, seed: 2)
    defer { try? FileManager.default.removeItem(at: directory) }
    #expect(stdout.contains("evaluations per input: at most 50") && stdout.contains("property evaluation(s)"), "\(stdout)")
    let csv = try String(contentsOf: out.appendingPathComponent("counterfactuals.csv"), encoding: .utf8)
    let lines = csv.split(separator: "\n")
    #expect(lines[0].hasSuffix(",status,evaluations,budget,sa,alerts,keep_failed,qed,moses_filters,drawn_tau,sa_before,harder_left_out"))
    for line in lines.dropFirst() {
      let fields = line.split(separator: ",", omittingEmptySubsequences: false)
      // counterfactual_smiles (3), property_after (17), evaluations (28).
      let smiles = String(fields[3]), after = Double(fields[17])!, evaluations = Int(fields[28])!
      #expect(after == Double(smiles.filter { $0 == "O" }.count), "\(line)")
      #expect(evaluations >= 1 && evaluations <= 50)
    }
    let json = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("counterfactuals.json"))) as! [String: Any]
    #expect(json["budget"] as? Int == 50 && (json["oracle"] as? [String: Any])?["command"] as? String == Self.oxygenCounter)
  }

  /// `--target flip:T` moves each input to the other side of T: two oxygens → at most 1.5,
  /// one oxygen → at least 1.5.
  @Test func flipTargetsEachInputsOtherSide() throws {
    let (directory, out, stdout) = try mutate(["OCCCCCCO", "CCCCCO"], target: "flip:1.5", budget: 40, samples: 2, seed: 1)
    defer { try? FileManager.default.removeItem(at: directory) }
    let rows = try String(contentsOf: out.appendingPathComponent("counterfactuals.csv"), encoding: .utf8).split(separator: "\n").dropFirst()
    let targets = Dictionary(grouping: rows, by: { $0.split(separator: ",")[0] }).mapValues { Set($0.map { String($0.split(separator: ",", omittingEmptySubsequences: false)[15]) }) }
    #expect(targets["0"] == ["oracle <= 1.5"] && targets["1"] == ["oracle >= 1.5"], "\(targets)")
    #expect(!stdout.contains("already in target"))
    let (bad, _, error) = try runCFX(["explain", "CCO", "--method", "mutate", "--oracle", "cat", "--target", "flip=0.3"])
    #expect(bad != 0 && error.contains("flip:T"), "\(error)")
  }

  @Test func oracleOptionsAreChecked() throws {
    var (status, _, stderr) = try runCFX(["explain", "CCO", "--oracle", "cat"])
    #expect(status != 0 && stderr.contains("--oracle needs --target"), "\(stderr)")
    (status, _, stderr) = try runCFX(["explain", "CCO", "--oracle", "cat", "--property", "tpsa", "--target", "1:2"])
    #expect(status != 0 && stderr.contains("drop --property tpsa"), "\(stderr)")
    (status, _, stderr) = try runCFX(["explain", "CCO", "--property", "oracle", "--target", "1:2"])
    #expect(status != 0 && stderr.contains("--property oracle needs --oracle"), "\(stderr)")
    (status, _, stderr) = try runCFX(["explain", "CCO", "--budget", "0", "--method", "mutate"])
    #expect(status != 0 && stderr.contains("--budget must be"), "\(stderr)")
  }

  /// An oracle that dies on the second input: the first input's results stay in the journal,
  /// the error names the oracle, its message and the input.
  @Test func aCrashingOracleKeepsFinishedInputs() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let out = directory.appendingPathComponent("out")
    let dying = #"while IFS= read -r s; do case "$s" in *N*) echo "model cannot read nitrogen" >&2; exit 4;; "") echo;; *) echo 1;; esac; done"#
    let (status, stdout, stderr) = try runCFX([
      "explain", "OCCCCCCO", "NCCCCCCN", "--method", "mutate", "--oracle", dying, "--target", "<=0", "--budget", "5",
      "--quiet", "--out", out.path,
    ])
    #expect(status != 0, "\(stdout)")
    #expect(stderr.contains("exited with status 4") && stderr.contains("model cannot read nitrogen") && stderr.contains("input 1"), "\(stderr)")
    let journal = try String(contentsOf: out.appendingPathComponent("journal.jsonl"), encoding: .utf8)
    #expect(journal.contains("input-0") && !journal.contains("input-1"), "\(journal)")
  }
}
