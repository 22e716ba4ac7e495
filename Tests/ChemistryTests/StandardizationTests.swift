// Standardisation of inputs: salts keep their largest organic fragment, charges are neutralised
// where a neutral form exists, isotope labels and stereo are reported as dropped; every change
// is named, and inputs with no parent fragment are refused with the reason.

import Chemistry
import Testing

@Suite(.serialized) struct StandardizationTests {
  func standardized(_ smiles: String) throws -> (smiles: String, notes: [String]) {
    let molecule = try MoleculeReader.parseSMILES(smiles).molecule
    let result = try MoleculeStandardizer.standardize(molecule, record: "in.smi line 1")
    #expect(result.molecule.validity.isValid, "\(smiles): \(result.molecule.validity.summary)")
    return (try OpenBabel.canonicalSMILES(of: result.molecule), result.notes)
  }

  func canonical(_ smiles: String) throws -> String {
    try OpenBabel.canonicalSMILES(of: MoleculeReader.parseSMILES(smiles).molecule)
  }

  @Test func saltsKeepTheLargestOrganicFragmentAndSaySo() throws {
    let sodium = try standardized("CC(=O)Oc1ccccc1C(=O)[O-].[Na+]")
    let aspirin = try canonical("CC(=O)Oc1ccccc1C(=O)O")
    #expect(sodium.smiles == aspirin)
    #expect(sodium.notes == ["kept the largest organic fragment C9H7O4- (13 heavy atoms); removed Na+", "neutralised: atom 13 O- gained H+"])
    let hydrochloride = try standardized("C[NH+](C)CCCN1c2ccccc2CCc2ccccc21.[Cl-]")
    let imipramine = try canonical("CN(C)CCCN1c2ccccc2CCc2ccccc21")
    #expect(hydrochloride.smiles == imipramine)
    #expect(hydrochloride.notes[0].hasSuffix("removed Cl-") && hydrochloride.notes[1] == "neutralised: atom 2 N+ lost H+")
    // An acetate counter-ion is organic but smaller: removed by formula.
    let acetate = try standardized("CCCCCCCCN.CC(=O)O")
    #expect(acetate.smiles == "CCCCCCCCN" && acetate.notes == ["kept the largest organic fragment C8H19N (9 heavy atoms); removed C2H4O2"])
  }

  @Test func noParentFragmentIsRefused() throws {
    for (smiles, reason) in [
      ("[Na+].[Cl-]", "in.smi line 1: no organic fragment to keep: Na+, Cl-"),
      ("CCO.CCN", "in.smi line 1: two largest organic fragments of equal size (C2H6O, C2H7N): cannot tell the parent; give one of them"),
    ] {
      let molecule = try MoleculeReader.parseSMILES(smiles).molecule
      #expect(throws: ChemistryError.invalidInput(record: "in.smi line 1", message: String(reason.dropFirst("in.smi line 1: ".count)))) {
        try MoleculeStandardizer.standardize(molecule, record: "in.smi line 1")
      }
    }
    // Two copies of the same fragment (a 2:1 salt's parent twice) leave a clear parent.
    #expect(try standardized("CCN.CCN.Cl").notes == ["kept the largest organic fragment C2H7N (3 heavy atoms); removed C2H7N, ClH"])
  }

  @Test func chargesAreNeutralisedWhereANeutralFormExists() throws {
    let anion = try standardized("CC[N-]S(=O)(=O)c1ccccc1").smiles, neutral = try canonical("CCNS(=O)(=O)c1ccccc1")
    #expect(anion == neutral)
    #expect(try standardized("C[NH3+]").smiles == "CN")
    let pyridinium = try standardized("c1cc[nH+]cc1").smiles, pyridine = try canonical("c1ccncc1")
    #expect(pyridinium == pyridine)
    // Charge-separated pairs stay (nitro); a quaternary ammonium keeps its carboxylate (betaine).
    let nitro = try standardized("O=[N+]([O-])c1ccccc1")
    let nitrobenzene = try canonical("O=[N+]([O-])c1ccccc1")
    #expect(nitro.notes.isEmpty && nitro.smiles == nitrobenzene)
    let betaine = try standardized("C[N+](C)(C)CC(=O)[O-]")
    #expect(betaine.notes.isEmpty)
    // A quaternary ammonium with two carboxylates keeps one charged, neutralises the other.
    let two = try standardized("C[N+](C)(C)CC(=O)[O-].[Na+]")
    #expect(two.notes.count == 1 && two.notes[0].hasSuffix("removed Na+"))
  }

  /// Sulfoxides written charge-separated (omeprazole's [S+][O-]) become S=O, a form the graph
  /// encoding has.
  @Test func chargeSeparatedSulfoxidesBecomeDoubleBonds() throws {
    let omeprazole = try standardized("COc1ccc2[nH]c([S+]([O-])Cc3ncc(C)c(OC)c3C)nc2c1")
    let sulfoxide = try canonical("COc1ccc2[nH]c(S(=O)Cc3ncc(C)c(OC)c3C)nc2c1")
    #expect(omeprazole.smiles == sulfoxide && omeprazole.notes.count == 1, "\(omeprazole.notes)")
    #expect(omeprazole.notes.first?.hasPrefix("charge-separated S+–O- (atoms 9, 10)") == true && omeprazole.notes.first?.hasSuffix(") written as S=O") == true)
  }

  @Test func isotopesAndStereoAreReportedAsDropped() throws {
    let labelled = try standardized("[13CH3]CO")
    #expect(labelled.smiles == "CCO" && labelled.notes == ["isotope labels dropped (the graph encoding has none): 13C"])
    let deuterated = try standardized("[2H]OC")
    #expect(deuterated.smiles == "CO" && deuterated.notes == ["isotope labels dropped (the graph encoding has none): 2H"])
    #expect(MoleculeStandardizer.stereoNote(ofSMILES: "C[C@@H](N)C(=O)O") == "stereo dropped (the graph encoding has none): 1 chirality mark")
    #expect(MoleculeStandardizer.stereoNote(ofSMILES: "F/C=C/[C@H](Cl)[C@@H](O)C") == "stereo dropped (the graph encoding has none): 2 chirality marks, 2 double-bond direction marks")
    #expect(MoleculeStandardizer.stereoNote(ofSMILES: "CCO") == nil)
  }

  @Test func nothingChangesWhenSwitchedOff() throws {
    let molecule = try MoleculeReader.parseSMILES("CC(=O)[O-].[Na+]").molecule
    let result = try MoleculeStandardizer.standardize(molecule, options: .none, record: "r")
    #expect(result.notes.isEmpty && result.molecule.atoms == molecule.atoms)
  }
}
