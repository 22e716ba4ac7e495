import Basics
import Foundation
import Images
import Testing
import Workbench

/// `cfx cluster` and `cfx eval clustering` end to end on a tiny attribute-shapes set: every
/// method runs, scores are in range, explanations satisfy their program, files are written, and a
/// rerun takes finished methods from the journal.
@Suite struct ClusteringEvaluationTests {
  @Test func everyMethodRunsAndTheEvaluationResumes() throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("cfx-evalclu-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: root) }
    let data = ImageDataRequest(sets: [.attributeShapes], cacheDirectory: root, seed: 3, generatedTrainingCount: 60)
    _ = try ImageDataJob.run(data) { _ in }
    var template = ClusteringRequest(dataDirectory: data.directory(.attributeShapes), outputDirectory: root.appendingPathComponent("eval"), method: .kmeansPixels)
    (template.epochs, template.latent, template.hidden, template.batchSize, template.rounds, template.subsample, template.quiet) = (2, 4, [16], 16, 2, 40, true)
    let request = ClusteringEvaluationRequest(template: template)
    let evaluation = try ClusteringEvaluationJob.run(request).evaluation
    #expect(evaluation.methods == ClusteringMethod.allCases.map(\.rawValue))
    #expect(evaluation.clusterCount == 6)
    for (method, s) in evaluation.scores {
      #expect((0...1).contains(s.nmi) && (0...1).contains(s.accuracy) && s.ari <= 1 && (-1...1).contains(s.silhouette), "\(method)")
      if let tc = s.tagCoverage { #expect((0...1).contains(tc)) }
    }
    #expect(evaluation.scores["deccs"]?.agreement != nil && evaluation.tagGainDECCS != nil)
    let out = template.outputDirectory
    for file in ["summary.json", "table.csv", "report.ipynb", "report.html", "deccs/result.json", "deccs/assignments.csv", "deccs/clusters.png", "deccs/clusters.svg"] {
      #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(file).path), "\(file)")
    }
    // Explanations meet the program's coverage constraint with the frequencies they report.
    let result = try JSONDecoder().decode(ClusteringResult.self, from: Data(contentsOf: out.appendingPathComponent("oracle-tags/result.json")))
    if let explanations = result.explanations {
      for e in explanations where e.size > 0 { #expect(e.frequencies.reduce(0, +) >= result.alpha - 1e-9) }
    } else {
      #expect(result.explanationNote != nil)
    }
    let csv = try String(contentsOf: out.appendingPathComponent("deccs/assignments.csv"), encoding: .utf8).split(separator: "\n")
    #expect(csv.count == 1 + evaluation.images && csv[0] == "index,split,split_index,class,cluster")
    // The rerun reads every method from the journal and writes the same table.
    let table = try Data(contentsOf: out.appendingPathComponent("table.csv"))
    try FileManager.default.removeItem(at: out.appendingPathComponent("table.csv"))
    _ = try ClusteringEvaluationJob.run(request)
    #expect(try Data(contentsOf: out.appendingPathComponent("table.csv")) == table)
  }

  @Test func methodsThatNeedTagsRefuseSetsWithout() throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("cfx-clu-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: root) }
    let data = ImageDataRequest(sets: [.shapesModes], cacheDirectory: root, seed: 3, generatedTrainingCount: 40)
    _ = try ImageDataJob.run(data) { _ in }
    var request = ClusteringRequest(dataDirectory: data.directory(.shapesModes), outputDirectory: root.appendingPathComponent("c"), method: .caeKMeans)
    request.quiet = true
    #expect { try ClusteringJob.run(request) } throws: { "\($0)".contains("needs semantic tags") }
  }
}
