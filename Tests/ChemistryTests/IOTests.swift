// Molecule I/O through Open Babel: formats, names, properties, writing.

import Chemistry
import Foundation
import Testing

@Suite(.serialized) struct IOTests {
  static let names = [
    "aspirin", "ibuprofen", "paracetamol", "caffeine", "nicotine", "salicylic acid", "rofecoxib",
    "midazolam-like", "4-chloronitrobenzene", "indole",
  ]

  @Test(arguments: ["example.smi", "example.sdf", "example.mol2"])
  func readsExampleFilesWithNames(file: String) throws {
    let records = try MoleculeReader.readAll(path: ReferenceData.molecules("examples/\(file)"))
    let molecules = try records.map { try $0.result.get() }
    #expect(molecules.map(\.name) == Self.names)
    // The same molecules whatever the format: compare canonical SMILES with the SMILES file.
    let fromSMILES = try MoleculeReader.readAll(path: ReferenceData.molecules("examples/example.smi"))
      .map { try OpenBabel.canonicalSMILES(of: $0.result.get()) }
    #expect(try molecules.map { try OpenBabel.canonicalSMILES(of: $0) } == fromSMILES)
    #expect(molecules.allSatisfy { $0.validity.isValid })
  }

  @Test func sdfTagsAreRead() throws {
    let first = try MoleculeReader.readAll(path: ReferenceData.molecules("examples/example.sdf"))[0].result.get()
    #expect(first.properties.contains(MoleculeProperty(key: "logP", value: "1.3101")))
  }

  @Test func writesSDFWithTagsAndReadsItBack() throws {
    var m = try MoleculeReader.parseSMILES("OC(=O)c1ccccc1O", name: "salicylic acid").molecule
    m.properties = [MoleculeProperty(key: "logp", value: "1.09"), MoleculeProperty(key: "valid", value: "ok")]
    let sdf = try OpenBabel.write(m, format: "sdf")
    #expect(sdf.hasPrefix("salicylic acid\n"))
    #expect(sdf.contains(">  <logp>\n1.09\n"))
    let back = try MoleculeReader.parseRecord(sdf, format: "sdf", record: "written").molecule
    #expect(try OpenBabel.canonicalSMILES(of: back) == OpenBabel.canonicalSMILES(of: m))
    #expect(back.properties.contains(MoleculeProperty(key: "valid", value: "ok")))
    // The header's date field (columns 11-20 of line 2) is blank: the same molecule is written
    // the same way at any time.
    let header = Array(sdf.split(separator: "\n", omittingEmptySubsequences: false)[1])
    #expect(String(header[10..<20]) == String(repeating: " ", count: 10) && String(header[20..<22]) == "2D", "\(String(header))")
  }

  @Test func canonicalSMILESIgnoresInputSpelling() throws {
    let spellings = ["OC(=O)c1ccccc1", "c1ccc(cc1)C(O)=O", "C1=CC=C(C=C1)C(=O)O", "[H]OC(=O)c1ccccc1"]
    let canonical = try spellings.map { try OpenBabel.canonicalSMILES(of: MoleculeReader.parseSMILES($0).molecule) }
    #expect(Set(canonical) == ["OC(=O)c1ccccc1"])
  }

  @Test func explicitHydrogensFoldIntoAtoms() throws {
    let m = try MoleculeReader.parseSMILES("[H]C([H])([H])O[H]").molecule
    #expect(m.atoms.map(\.implicitHydrogens) == [3, 1])
    #expect(m.formula == "CH4O")
  }

  @Test func readsAnyOpenBabelFormatWithExtras() throws {
    let m = try MoleculeReader.parseSMILES("c1ccccc1O", name: "phenol").molecule
    let pdb = try OpenBabel.write(m, format: "pdb")
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("cfx-chem-\(UUID().uuidString).pdb")
    try Data(pdb.utf8).write(to: url)
    var logPs: [Double] = []
    try MoleculeReader.forEachRecord(path: url.path, extras: [.logP]) { record, parsed in
      #expect(record.source == "\(url.lastPathComponent) record \(record.index)")
      logPs.append(parsed?.logP ?? .nan)
      return true
    }
    #expect(logPs.count == 1 && logPs.allSatisfy { abs($0 - 1.3922) < 1e-4 })
  }

  @Test func formatFromExtension() {
    #expect(MoleculeFormat(path: "a/b.SDF") == .sdf)
    #expect(MoleculeFormat(path: "x.mol") == .sdf)
    #expect(MoleculeFormat(path: "x.smi") == .smiles)
    #expect(MoleculeFormat(path: "x.pdb") == .openBabel("pdb"))
    #expect(MoleculeFormat(path: "noext") == nil)
  }
}
