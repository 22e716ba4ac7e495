// Molecular weight, TPSA, ring counts and Tanimoto against RDKit reference values.

import Chemistry
import Testing

@Suite(.serialized) struct DescriptorTests {
  @Test func referenceSetDescriptors() throws {
    var mwError = 0.0, tpsaError = 0.0, ringsAgree = 0, heavyAgree = 0
    for row in ReferenceData.rows {
      let m = try MoleculeReader.parseSMILES(row.smiles).molecule
      mwError = max(mwError, abs(Descriptors.molecularWeight(m) - row.molecularWeight))
      tpsaError = max(tpsaError, abs(TPSA.value(m) - row.tpsa))
      if Descriptors.ringCount(m) == row.rings { ringsAgree += 1 } else { print("  rings: \(row.smiles) cfx \(m.rings.map(\.count)) rdkit \(row.rings)") }
      if m.heavyAtomCount == row.heavyAtoms { heavyAgree += 1 }
    }
    print("descriptors: max |ΔMW| \(mwError), max |ΔTPSA| \(tpsaError), rings \(ringsAgree), heavy \(heavyAgree) of \(ReferenceData.rows.count)")
    #expect(mwError < 0.01)
    #expect(tpsaError < 1e-6)
    #expect(ringsAgree == ReferenceData.rows.count)
    #expect(heavyAgree == ReferenceData.rows.count)
  }

  @Test func tanimotoBasics() throws {
    let a = try MoleculeReader.parseSMILES("c1ccccc1O", extras: [.ecfp4])
    let b = try MoleculeReader.parseSMILES("c1ccccc1N", extras: [.ecfp4])
    #expect(Morgan.bits(a.molecule).tanimoto(Morgan.bits(a.molecule)) == 1)
    let morgan = Morgan.bits(a.molecule).tanimoto(Morgan.bits(b.molecule))
    #expect(morgan > 0.2 && morgan < 0.6)
    let ecfp = try #require(a.ecfp4).tanimoto(try #require(b.ecfp4))
    #expect(ecfp > 0 && ecfp < 1)
    #expect(a.ecfp4?.kind.rawValue == "openbabel-ecfp4-bit4096")
    let counts = Morgan.counts(a.molecule)
    #expect(counts.tanimoto(counts) == 1)
    #expect(Fingerprint(kind: .morganBits, setBits: [1, 2]).tanimoto(Fingerprint(kind: .morganBits, setBits: [2, 3])) == 1.0 / 3)
  }

  @Test func openBabelValuesMatchObabel() throws {
    // obabel -:"c1ccccc1O" --append logP → 1.3922; MOSES test molecules 0 and 1: ECFP4 Tanimoto 0.0697674.
    let phenol = try MoleculeReader.parseSMILES("c1ccccc1O", extras: [.logP])
    #expect(abs((phenol.logP ?? 0) - 1.3922) < 1e-4)
    let m0 = try MoleculeReader.parseSMILES(ReferenceData.rows[0].smiles, extras: [.logP, .ecfp4])
    #expect(abs((m0.logP ?? 0) - 3.4567) < 1e-4)
  }
}
