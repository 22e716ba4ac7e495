@testable import Diffusion
import DiffusionCore
import Foundation
import Testing

@Suite struct CodableTests {
  @Test func processRoundTripsThroughJSON() throws {
    let process = DiscreteDiffusion(
      schedule: CosineNoiseSchedule(stepCount: 1000), nodeTransition: .uniform(classCount: 1),
      edgeTransition: .marginal(frequencies: [0.64, 0.36]))
    let data = try JSONEncoder().encode(process)
    let decoded = try JSONDecoder().decode(DiscreteDiffusion.self, from: data)
    #expect(decoded.schedule == process.schedule)
    #expect(decoded.nodeTransition == process.nodeTransition && decoded.edgeTransition == process.edgeTransition)
    let counts = NodeCountDistribution(observedCounts: [8, 8, 7])
    #expect(try JSONDecoder().decode(NodeCountDistribution.self, from: JSONEncoder().encode(counts)) == counts)
  }

  @Test func badConfigsThrowInsteadOfTrapping() {
    let bad = [
      #"{"schedule": {"stepCount": 0}, "nodeTransition": {"limitDistribution": [1]}, "edgeTransition": {"limitDistribution": [0.5, 0.5]}}"#,
      #"{"schedule": {"stepCount": 10}, "nodeTransition": {"limitDistribution": [-1, 2]}, "edgeTransition": {"limitDistribution": [0.5, 0.5]}}"#,
      #"{"schedule": {"stepCount": 10}, "nodeTransition": {"limitDistribution": [1]}, "edgeTransition": {"limitDistribution": [1]}}"#,
    ]
    for text in bad {
      #expect(throws: DecodingError.self) { try JSONDecoder().decode(DiscreteDiffusion.self, from: Data(text.utf8)) }
    }
    #expect(throws: DecodingError.self) {
      try JSONDecoder().decode(NodeCountDistribution.self, from: Data(#"{"probabilities": [0.5, 0.6]}"#.utf8))
    }
  }
}
