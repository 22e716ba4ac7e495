import DiffusionCore
import Foundation
import Molecules
import Testing
import Workbench

/// A run killed at any moment and rerun with the same command gives the files of an
/// uninterrupted run: the journal is cut at many points (a kill between inputs, or in the middle
/// of writing a record), the final files are removed, and the rerun must reproduce them exactly.
@Suite(.serialized) struct ResumeTests {
  /// The files of a finished run, SDF time stamps aside (Open Babel writes the time).
  func outputs(_ directory: URL) throws -> [String: String] {
    var files: [String: String] = [:]
    for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) where name != "journal.jsonl" {
      let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
      files[name] = name.hasSuffix(".sdf")
        ? text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.contains("OpenBabel") }.joined(separator: "\n") : text
    }
    return files
  }

  /// Runs `run` into a copy of `complete`'s journal cut at `cut` bytes (no other files), and
  /// returns its outputs and terminal text.
  func resumed(from complete: URL, cut: Int, run: (URL) throws -> String) throws -> (files: [String: String], text: String) {
    let directory = temporaryDirectory()
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let journal = try Data(contentsOf: complete.appendingPathComponent("journal.jsonl"))
    try journal.prefix(cut).write(to: directory.appendingPathComponent("journal.jsonl"))
    let text = try run(directory)
    return (try outputs(directory), text.replacingOccurrences(of: directory.path, with: "OUT"))
  }

  /// Cut points: after each line, and inside the header and each record.
  func cuts(of journal: URL) throws -> [Int] {
    let data = try Data(contentsOf: journal)
    let ends = data.indices.filter { data[$0] == 0x0A }.map { $0 + 1 }
    var starts = [0] + ends.dropLast()
    starts = starts.map { $0 + 25 }
    return (ends + starts).filter { $0 < data.count }.sorted()
  }

  @Test func graphExplanationsResumeToTheSameFiles() throws {
    let model = try ShippedModels.directory("planar")
    let inputs = (DemoJob.exampleGraphs + ["G?B@dg"]).enumerated().map { (source: "argument \($0.offset + 1)", text: $0.element) }
    func run(_ out: URL) throws -> String {
      try ExplainGraphsJob.run(ExplainGraphsRequest(
        modelDirectory: model, inputs: inputs, targetEdges: nil, edgeDelta: -1,
        sampling: SamplingSettings(taus: [5, 10], samples: 6, guidanceScale: 1.5, seed: 2), outputDirectory: out, show: 2))
    }
    let complete = temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: complete) }
    let text = try run(complete).replacingOccurrences(of: complete.path, with: "OUT")
    let expected = try outputs(complete)
    #expect(expected["counterfactuals.csv"] != nil && expected["counterfactuals-3.svg"] != nil && expected["report.html"] != nil)
    for cut in try cuts(of: complete.appendingPathComponent("journal.jsonl")) {
      let again = try resumed(from: complete, cut: cut, run: run)
      #expect(again.files == expected, "journal cut at byte \(cut)")
      #expect(again.text.split(separator: "\n").filter { !$0.hasPrefix("resumed") } == text.split(separator: "\n"), "cut at \(cut)")
    }
  }

  @Test func moleculeExplanationsResumeToTheSameFiles() throws {
    let model = try ShippedModels.directory("molecules")
    let smiles = ["CCCCCCCCCCCCOc1ccccc1", "OCC(O)CO", "c1ccccc1O"].enumerated().map { (source: "argument \($0.offset + 1)", text: $0.element) }
    func run(_ out: URL) throws -> String {
      try ExplainMoleculesJob.run(ExplainMoleculesRequest(
        modelDirectory: model, smiles: smiles, inputFiles: [], target: .drugLikeLogP,
        settings: MoleculeCounterfactualSettings(
          method: .gdce, sampling: SamplingSettings(taus: [10], samples: 2, guidanceScale: 8, seed: 5), constrained: true,
          steering: 4, particles: 2, refine: true),
        referenceFile: nil, referenceLimit: nil, outputDirectory: out, show: 2, quiet: true))!.text
    }
    let complete = temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: complete) }
    let text = try run(complete).replacingOccurrences(of: complete.path, with: "OUT")
    let expected = try outputs(complete)
    #expect(expected["counterfactuals.sdf"] != nil && expected["input-2.svg"] != nil)
    for cut in try cuts(of: complete.appendingPathComponent("journal.jsonl")) {
      let again = try resumed(from: complete, cut: cut, run: run)
      #expect(again.files == expected, "journal cut at byte \(cut)")
      #expect(again.text.split(separator: "\n").filter { !$0.hasPrefix("resumed") } == text.split(separator: "\n"), "cut at \(cut)")
    }
    // Other settings in the same directory: refused, naming the difference.
    do {
      _ = try ExplainMoleculesJob.run(ExplainMoleculesRequest(
        modelDirectory: model, smiles: smiles, inputFiles: [], target: .drugLikeLogP,
        settings: MoleculeCounterfactualSettings(method: .gdce, sampling: SamplingSettings(taus: [10], samples: 2, guidanceScale: 8, seed: 6), constrained: true),
        referenceFile: nil, referenceLimit: nil, outputDirectory: complete, show: 2, quiet: true))
      Issue.record("a journal of another seed was reused")
    } catch {
      #expect("\(error)".contains("seed: 5 in the journal, 6 now") && "\(error)".contains("--restart"), "\(error)")
    }
  }
}
