// Molecular weight, TPSA, ring counts and Tanimoto against RDKit reference values.

import Chemistry
import Testing

@Suite(.serialized) struct DescriptorTests {
  @Test func referenceSetDescriptors() throws {
    var mwError = 0.0, tpsaError = 0.0, ringsAgree = 0, heavyAgree = 0
    for (row, m) in zip(ReferenceData.rows, ReferenceData.parsed) {
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

@Suite(.serialized) struct MolecularPropertiesTests {
  @Test func aspirinGolden() throws {
    let parsed = try MoleculeReader.parseSMILES("CC(=O)Oc1ccccc1C(=O)O", name: "aspirin", extras: [.logP, .ecfp4])
    let reference = try MoleculeReader.parseSMILES("OC(=O)c1ccccc1O", extras: [.ecfp4])
    let p = try MolecularProperties.compute(parsed, reference: Morgan.bits(reference.molecule))
    // RDKit 2026.09.1: MolLogP 1.3101, MolWt 180.159, TPSA 63.6; Open Babel logP 1.3101.
    #expect(p.name == "aspirin" && p.valid && p.validity == "ok")
    #expect(p.canonicalSMILES == "CC(=O)Oc1ccccc1C(=O)O")
    #expect(abs(p.logp - 1.3101) < 1e-4 && abs(p.logpOpenBabel - 1.3101) < 1e-4)
    #expect(abs(p.molecularWeight - 180.159) < 1e-3 && abs(p.tpsa - 63.6) < 1e-9)
    #expect(p.heavyAtoms == 13 && p.rings == 1 && p.aromaticRings == 1)
    // RDKit 2026.09.1 QED.qed 0.550122; MOSES mol_passes_filters: passes.
    #expect(abs(p.qed - 0.550122) < 1e-5 && p.mosesFilterFailures.isEmpty)
    #expect(p.fingerprint == "morgan-r2-bit2048")
    let similarity = try #require(p.similarity)
    #expect(similarity > 0 && similarity < 1)
    let ecfp = try MolecularProperties.compute(parsed, reference: try #require(reference.ecfp4))
    #expect(ecfp.fingerprint == "openbabel-ecfp4-bit4096")
  }
}
