import Foundation
import Testing

/// Runs the built `cfx` executable (next to the test bundle) and returns (status, stdout, stderr).
func runCFX(_ arguments: [String], stdin: String? = nil) throws -> (Int32, String, String) {
  let binDir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
  var exe = binDir.appendingPathComponent("cfx")
  if !FileManager.default.fileExists(atPath: exe.path) {
    // Some runners put the xctest bundle one level deeper.
    exe = binDir.deletingLastPathComponent().appendingPathComponent("cfx")
  }
  let p = Process()
  p.executableURL = exe
  p.arguments = arguments
  let out = Pipe(), err = Pipe(), inp = Pipe()
  p.standardOutput = out
  p.standardError = err
  p.standardInput = inp
  try p.run()
  if let stdin { inp.fileHandleForWriting.write(Data(stdin.utf8)) }
  try inp.fileHandleForWriting.close()
  let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
  p.waitUntilExit()
  return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
}

@Suite(.serialized) struct CLITests {
  @Test func rootHelpListsTheSubcommands() throws {
    let (status, out, _) = try runCFX(["--help"])
    #expect(status == 0)
    #expect(out.contains("USAGE: cfx <subcommand>"))
    for sub in ["demo", "doctor", "bench"] { #expect(out.contains("  \(sub) "), "missing \(sub) in help") }
  }

  @Test func doctorCallsEveryNativeLibrary() throws {
    let (status, out, _) = try runCFX(["doctor"])
    #expect(status == 0, "doctor failed:\n\(out)")
    for lib in ["OpenBLAS", "OpenBabel", "Graphviz", "nauty", "planarity", "libpng"] {
      #expect(out.contains("ok   \(lib)"), "\(lib) not ok:\n\(out)")
    }
  }

  @Test func unknownSubcommandFailsWithUsage() throws {
    let (status, _, err) = try runCFX(["frobnicate"])
    #expect(status != 0)
    #expect(err.contains("Usage") || err.contains("USAGE") || err.contains("Error"))
  }

  @Test func explainWithTheShippedModelRanksCounterfactuals() throws {
    let (status, out, err) = try runCFX(["explain", "graphs", "G??Xv{", "--samples", "4", "--tau", "5", "--show", "2"])
    #expect(status == 0, "explain failed: \(err)")
    #expect(out.contains("G??Xv{ (8 nodes, 12 edges) → target 11 edges"))
    #expect(out.contains("rank  counterfactual"))
  }

  @Test func explainReportsBadGraph6AndKeepsGoing() throws {
    let (status, out, _) = try runCFX(["explain", "graphs", "Gzzz", "G??Xv{", "--samples", "2", "--tau", "1", "--show", "1"])
    #expect(status == 0)
    #expect(out.contains("skipped: argument 1"))
    #expect(out.contains("argument 2: G??Xv{"))
  }
}

/// Rules across options are checked before any work, in the options' own names.
@Suite struct OptionRuleTests {
  @Test func particlesAndProximityNeedSteering() throws {
    let (status, _, err) = try runCFX(["explain", "CCO", "--steer", "0", "--particles", "3"])
    #expect(status != 0 && err.contains("--particles 3 needs steering (--steer λ > 0)"), "\(err)")
    let (status2, _, err2) = try runCFX(["explain", "CCO", "--method", "freegress", "--proximity", "0.5"])
    #expect(status2 != 0 && err2.contains("--proximity 0.5 needs steering"), "\(err2)")
    // Retrieval takes neither; GDCE steers by default, so particles alone are fine there.
    let (status3, _, err3) = try runCFX(["explain", "CCO", "--method", "freegress", "--steer", "2", "--particles", "2", "--samples", "1", "--tau", "1"])
    #expect(!err3.contains("needs steering"), "\(status3) \(err3)")
    // A target the window model was not conditioned on: the engine's typed error, in option names.
    let windowModel = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("molecules/models/molecules").path
    let (status4, _, err4) = try runCFX(["explain", "CCO", "--model", windowModel, "--target", "<=1", "--steer", "0", "--budget", "none"])
    #expect(status4 != 0 && err4.contains("or --method nearest") && err4.contains("within a budget (--budget 100, unsteered)")
      && err4.contains("or steer it towards the target with --steer (e.g. --steer 4)"), "\(err4)")
  }
}

/// A file named as an argument is read as `--input` reads it (as `cfx props` reads its arguments).
@Suite struct FileArgumentTests {
  @Test func explainReadsFilesGivenAsArguments() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cfx-args-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let smi = directory.appendingPathComponent("two.smi"), g6 = directory.appendingPathComponent("two.g6")
    try "CCO ethanol\nOCC(O)CO glycerol\n".write(to: smi, atomically: true, encoding: .utf8)
    try "G??Xv{\nG??@~w\n".write(to: g6, atomically: true, encoding: .utf8)
    let molecule = ["--samples", "2", "--tau", "3", "--steer", "0", "--budget", "none", "--no-refine", "--show", "1", "--quiet"]
    let (s1, asArgument, e1) = try runCFX(["explain", smi.path] + molecule)
    let (s2, asInput, _) = try runCFX(["explain", "--input", smi.path] + molecule)
    #expect(s1 == 0 && s2 == 0 && asArgument == asInput && asArgument.contains("glycerol"), "\(e1)")
    let graph = ["--samples", "2", "--tau", "3", "--show", "1"]
    let (s3, graphsAsArgument, e3) = try runCFX(["explain", "graphs", g6.path] + graph)
    let (s4, graphsAsInput, _) = try runCFX(["explain", "graphs", "--input", g6.path] + graph)
    #expect(s3 == 0 && s4 == 0 && graphsAsArgument == graphsAsInput && graphsAsArgument.contains("G??Xv{"), "\(e3)")
    // Graph inputs given to the molecule command (the default) name the command that takes them.
    let (s5, _, e5) = try runCFX(["explain", g6.path] + molecule)
    #expect(s5 != 0 && e5.contains("cfx explain graphs \(g6.path)"), "\(e5)")
    let (s6, _, e6) = try runCFX(["explain", "G??Xv{"] + molecule)
    #expect(s6 != 0 && e6.contains("it reads as graph6: graphs are explained by `cfx explain graphs`"), "\(e6)")
    let (s7, _, e7) = try runCFX(["explain", "graphs", "CCO"] + graph)
    #expect(s7 != 0 && e7.contains("it reads as SMILES: molecules are explained by `cfx explain molecules`"), "\(e7)")
    try? FileManager.default.removeItem(at: directory)
  }

  /// A skipped record's location is printed once and readably ("bad.smi line 2: reason"), and an
  /// argument that looks like a missing file says so.
  @Test func skippedRecordsNameTheirLocationOnce() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cfx-loc-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let smi = directory.appendingPathComponent("bad.smi")
    try "CCO ethanol\nCC()C\n".write(to: smi, atomically: true, encoding: .utf8)
    let molecule = ["--samples", "2", "--tau", "3", "--steer", "0", "--budget", "none", "--no-refine", "--show", "1", "--quiet"]
    let (status, out, err) = try runCFX(["explain", smi.path] + molecule)
    let all = out + err
    #expect(status == 0, "\(err)")
    #expect(all.contains("skipped: bad.smi line 2: empty branch '()' at column 3"), "\(all)")
    #expect(!all.contains("#2") && all.components(separatedBy: "bad.smi line 2").count == 2, "\(all)")
    let missing = directory.appendingPathComponent("missing.smi").path
    let (s2, _, e2) = try runCFX(["explain", missing, "C1CC"] + molecule)
    #expect(s2 != 0)
    #expect(e2.components(separatedBy: "argument 1:").count == 2, "\(e2)")
    #expect(e2.contains("looks like a file name, but no such file exists"), "\(e2)")
    #expect(e2.contains("argument 2: cannot parse molecule"), "\(e2)")
    try? FileManager.default.removeItem(at: directory)
  }
}

/// Ctrl-C during a long run: the input in progress is finished, the journal keeps every finished
/// input, the command says what it kept and how to continue and exits with 130; rerunning the
/// same command continues. A second Ctrl-C stops at once, and the journal survives that too.
@Suite(.serialized) struct InterruptionTests {
  func cfxExecutable() -> URL {
    let binDir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    let exe = binDir.appendingPathComponent("cfx")
    return FileManager.default.fileExists(atPath: exe.path) ? exe : binDir.deletingLastPathComponent().appendingPathComponent("cfx")
  }

  /// Starts `cfx arguments`, waits until its journal holds `lines` lines, sends SIGINT `signals`
  /// times, and returns (status, stderr).
  func interrupted(_ arguments: [String], journal: URL, lines: Int, signals: Int) throws -> (Int32, String) {
    let process = Process()
    process.executableURL = cfxExecutable()
    process.arguments = arguments
    let err = Pipe()
    (process.standardOutput, process.standardError) = (FileHandle.nullDevice, err)
    try process.run()
    let deadline = Date().addingTimeInterval(120)
    while Date() < deadline {
      if let text = try? String(contentsOf: journal, encoding: .utf8), text.split(separator: "\n").count >= lines { break }
      Thread.sleep(forTimeInterval: 0.05)
    }
    for _ in 0..<signals { kill(process.processIdentifier, SIGINT); Thread.sleep(forTimeInterval: 0.05) }
    let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return (process.terminationStatus, stderr)
  }

  @Test func ctrlCKeepsFinishedInputsAndTheRerunContinues() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cfx-int-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    let graphs = Array(repeating: ["G??@~w", "G??Xv{", "G??^~w"], count: 8).flatMap { $0 }
    let arguments = ["explain", "graphs"] + graphs + ["--samples", "8", "--tau", "5,10", "--seed", "1", "--out", directory.path]
    let journal = directory.appendingPathComponent("journal.jsonl")
    let (status, stderr) = try interrupted(arguments, journal: journal, lines: 3, signals: 1)
    #expect(status == 130, "\(stderr)")
    #expect(stderr.contains("inputs finished and kept in \(journal.path)") && stderr.contains("rerun the same command to continue:"), "\(stderr)")
    let kept = try String(contentsOf: journal, encoding: .utf8).split(separator: "\n").count - 1
    #expect(kept >= 2 && kept < graphs.count, "\(kept) inputs kept")
    #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("counterfactuals.csv").path))
    let (rerun, out, rerunErr) = try runCFX(arguments)
    #expect(rerun == 0 && out.contains("resumed \(kept) of \(graphs.count) inputs"), "\(rerunErr)")
    #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("counterfactuals.csv").path))

    // Twice: stopped at once; whatever the journal holds is reusable.
    try FileManager.default.removeItem(at: directory)
    let (twice, twiceErr) = try interrupted(arguments, journal: journal, lines: 2, signals: 2)
    #expect(twice == 130, "\(twiceErr)")
    let (again, againOut, againErr) = try runCFX(arguments)
    #expect(again == 0 && againOut.contains("resumed"), "\(againErr)")
  }
}
