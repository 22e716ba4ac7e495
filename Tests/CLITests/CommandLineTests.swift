@testable import cfx
import ArgumentParser
import Diffusion
import DiffusionCore
import Foundation
import Molecules
import Testing
import Workbench

/// The command line as parsed: one spelling of the sampling flags with each command's defaults,
/// the domain of `cfx explain` named, and the old spellings still accepted.
@Suite struct CommandLineTests {
  @Test func explainNamesItsDomainAndDefaultsToMolecules() throws {
    #expect(try CFX.parseAsRoot(["explain", "CCO"]) is ExplainMolecules)
    #expect(try CFX.parseAsRoot(["explain", "molecules", "CCO"]) is ExplainMolecules)
    #expect(try CFX.parseAsRoot(["explain", "graphs", "G??Xv{"]) is ExplainGraphs)
    // A graph option given to the molecule command names its replacement.
    let error = #expect(throws: (any Error).self) { try CFX.parseAsRoot(["explain", "G??Xv{", "--target-edges", "5"]) }
    #expect(CFX.message(for: error!).contains("cfx explain graphs"))
  }

  @Test func samplingDefaultsAreTheEnginesAndProtocols() throws {
    #expect(try ExplainGraphs.parse(["G??Xv{"]).sampling.settings() == GraphCounterfactualEngine.recommended)
    #expect(try ExplainMolecules.parse(["CCO"]).sampling.settings() == MoleculeCounterfactualSettings.recommended.sampling)
    #expect(try EvalPlanar.parse(["--out", "x"]).sampling.settings() == PlanarEvaluationRequest.defaultSampling)
    #expect(try EvalMolecules.parse(["--out", "x"]).sampling.settings() == MoleculeEvaluationRequest.defaultSampling)
    let sample = try Sample.parse([]).sampling.settings()
    #expect(sample.taus.isEmpty && sample.samples == 20 && sample.guidanceScale == GraphCounterfactualEngine.recommended.guidanceScale)
  }

  @Test func tauListsRepeatsAndTheOldSpellingAgree() throws {
    let settings = try ExplainGraphs.parse(["G??Xv{", "--tau", "10,50", "--tau", "100", "--samples", "7", "--scale", "2", "--seed", "9"]).sampling.settings()
    #expect(settings == SamplingSettings(taus: [10, 50, 100], samples: 7, guidanceScale: 2, seed: 9))
    #expect(try EvalPlanar.parse(["--taus", "10", "50", "--out", "x"]).sampling.settings().taus == [10, 50])
    #expect(throws: (any Error).self) { try ExplainGraphs.parse(["G??Xv{", "--tau", "10,x"]) }
    #expect(throws: (any Error).self) { try ExplainGraphs.parse(["G??Xv{", "--tau", "0"]) }
    #expect(throws: (any Error).self) { try ExplainGraphs.parse(["G??Xv{", "--samples", "0"]) }
    // Sampling from noise has no τ; --count is the old spelling of --samples.
    #expect(throws: (any Error).self) { try Sample.parse(["--tau", "10"]) }
    var sample = try Sample.parse(["--count", "5"])
    #expect(sample.count == 5)
    sample = try Sample.parse(["--samples", "6"])
    #expect(sample.sampling.settings().samples == 6)
    #expect(throws: (any Error).self) { try Sample.parse(["--samples", "6", "--count", "5"]) }
  }

  @Test func renderTakesArgumentsAndTheOldOptions() throws {
    let new = try Render.parse(["CCO", "CC=O", "--out", "d.svg"]).resolved()
    let old = try Render.parse(["--graph", "CCO", "--counterfactual", "CC=O", "-o", "d.svg"]).resolved()
    let older = try Render.parse(["--graph", "CCO", "--counterfactual", "CC=O", "--output", "d.svg"]).resolved()
    for r in [new, old, older] { #expect(r.graph == "CCO" && r.counterfactual == "CC=O" && r.output == "d.svg" && r.csv == nil) }
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cfx-render-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let table = directory.appendingPathComponent("t.csv").path, molecules = directory.appendingPathComponent("m.smi").path
    try "original,counterfactual\nCCO,CC=O\n".write(toFile: table, atomically: true, encoding: .utf8)
    try "CCO\n".write(toFile: molecules, atomically: true, encoding: .utf8)
    #expect(try Render.parse([table, "--out", "g.svg"]).resolved().csv == table)
    #expect(try Render.parse(["--input", table, "--out", "g.svg"]).resolved().csv == table)
    #expect(try Render.parse([molecules, "--out", "g.svg"]).resolved().moleculeFile == molecules)
    #expect(throws: (any Error).self) { try Render.parse(["CCO", "CC=O", "CCC", "--out", "d.svg"]) }
    #expect(throws: (any Error).self) { try Render.parse(["CCO"]) }
  }

  @Test func propsReadsInputOptionsAndTheOldFormatSpelling() throws {
    #expect(try Props.parse(["--input", "m.smi", "--output", "csv"]).output == .csv)
    #expect(try Props.parse(["CCO", "--output-format", "json"]).outputFormat == .json)
    #expect(throws: (any Error).self) { try Props.parse([]) }
  }
}
