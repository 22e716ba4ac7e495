// `cfx props` reports the SA score and the stability alerts in every output format.

import Chemistry
import Foundation
import Testing
import Workbench

@Suite(.serialized) struct ChemistryPropsColumnsTests {
  @Test func saAndAlertsInCSVTableAndJSON() throws {
    // RDKit 2026.09.1 sascorer: aspirin 1.580; the enamine carries two alerts.
    let inputs: [ChemistryPropsJob.Input] = [.smiles("CC(=O)Oc1ccccc1C(=O)O"), .smiles("CC(=C)N1CCCC1")]
    var job = ChemistryPropsJob(inputs: inputs, output: .csv)
    let rows = try job.run().rows
    #expect(rows.count == 2)
    #expect(abs(rows[0].sa - 1.580039750008826) < 1e-9 && rows[0].alerts.isEmpty)
    #expect(rows[1].alerts == ["enamine methylene", "acyclic enamine"])
    let csv = job.render(rows).split(separator: "\n").map(String.init)
    #expect(csv[0].hasSuffix(",aromatic_rings,sa,alerts,qed,moses_filters"))
    #expect(csv[1].hasSuffix(",1.580,,0.5501,pass"))  // RDKit QED.qed(aspirin) = 0.5501
    #expect(csv[2].hasSuffix(",enamine methylene;acyclic enamine,0.4967,pass"))
    job.output = .table
    let table = job.render(rows)
    #expect(table.contains("alerts:\n  CC(=C)N1CCCC1: enamine methylene, acyclic enamine"))
    job.output = .json
    let decoded = try JSONDecoder().decode([MolecularProperties].self, from: Data(job.render(rows).utf8))
    #expect(decoded == rows)
  }
}
