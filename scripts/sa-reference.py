#!/usr/bin/env python3
"""RDKit's SA scores (Contrib/SA_Score/sascorer.py) and their parts, the golden for cfx's SA score.

Usage:
  pip install rdkit==2026.9.1        (into ~/.cache/cfx/venv-rdkit)
  pip download molsets==0.3.1 --no-deps -d ~/.cache/cfx/molsets
  ~/.cache/cfx/venv-rdkit/bin/python scripts/sa-reference.py

Molecules (stereo marks removed: cfx molecules carry no stereo, and the score's chiral-centre count
includes unassigned centres):
  zinc     molecules/zinc-subset.smi (4,002)
  moses    500 more MOSES test molecules (rows 22, 374, 726, ...: stride 352 from row 22, none in the subset)
  drug     the larger drug-like molecules listed below (macrocycles, bridged and spiro rings, sulfoxides,
           many stereocentres)
Writes molecules/reference/sa-rdkit.tsv: set, name, smiles, sa (sascorer.calculateScore), fragment
(score1: mean fragment contribution), environments (count total), distinct (nonzero ids), atoms,
chiral (FindMolChiralCenters(includeUnassigned=True) with RDKit's default stereo perception),
spiro, bridgeheads, macrocycles (rings of more than 8 atoms).
"""
import csv, gzip, io, os, sys, zipfile

import rdkit
from rdkit import Chem
from rdkit.Chem import rdMolDescriptors
from rdkit.Contrib.SA_Score import sascorer

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
WHEEL = os.path.expanduser("~/.cache/cfx/molsets/molsets-0.3.1-py3-none-any.whl")

DRUGS = [
    ("atorvastatin", "CC(C)c1c(C(=O)Nc2ccccc2)c(-c2ccccc2)c(-c2ccc(F)cc2)n1CCC(O)CC(O)CC(=O)O"),
    ("imatinib", "Cc1ccc(NC(=O)c2ccc(CN3CCN(C)CC3)cc2)cc1Nc1nccc(-c2cccnc2)n1"),
    ("sildenafil", "CCCc1nn(C)c2c(=O)[nH]c(-c3cc(S(=O)(=O)N4CCN(C)CC4)ccc3OCC)nc12"),
    ("paclitaxel", "CC(=O)OC1C(=O)C2(C)C(O)CC3OCC3(OC(C)=O)C2C(OC(=O)c2ccccc2)C2(O)CC(OC(=O)C(O)C(NC(=O)c3ccccc3)c3ccccc3)C(C)=C1C2(C)C"),
    ("erythromycin", "CCC1OC(=O)C(C)C(OC2CC(C)(OC)C(O)C(C)O2)C(C)C(OC2OC(C)CC(N(C)C)C2O)C(C)(O)CC(C)C(=O)C(C)C(O)C1(C)O"),
    ("azithromycin", "CCC1OC(=O)C(C)C(OC2CC(C)(OC)C(O)C(C)O2)C(C)C(OC2OC(C)CC(N(C)C)C2O)C(C)(O)CC(C)CN(C)C(C)C(O)C1(C)O"),
    ("sirolimus", "COC1CC(CCC1O)CC(C)C1CC(=O)C(C)C=C(C)C(O)C(OC)C(=O)C(C)CC(C)C=CC=CC=C(C)C(OC)CC2CCC(C)C(O)(O2)C(=O)C(=O)N2CCCCC2C(=O)O1"),
    ("cyclosporin-like", "CCC1NC(=O)C(C(O)C(C)CC=CC)N(C)C(=O)C(C(C)C)N(C)C(=O)C(CC(C)C)N(C)C(=O)C(CC(C)C)N(C)C(=O)C(C)NC(=O)C(C)NC(=O)C(CC(C)C)N(C)C(=O)C(C(C)C)NC(=O)C(CC(C)C)N(C)C(=O)CN(C)C1=O"),
    ("morphine", "CN1CCC23C4Oc5c3c(ccc5O)CC1C2C=CC4O"),
    ("strychnine", "O=C1CC2OCC=C3CN4CCC56C4CC3C2C6N1c1ccccc15"),
    ("quinine", "COc1ccc2nccc(C(O)C3CC4CCN3CC4C=C)c2c1"),
    ("artemisinin", "CC1CCC2C(C)C(=O)OC3OC4(C)CCC1C32OO4"),
    ("cocaine", "COC(=O)C1C(OC(=O)c2ccccc2)CC2CCC1N2C"),
    ("camphor", "CC1(C)C2CCC1(C)C(=O)C2"),
    ("adamantane", "C1C2CC3CC1CC(C2)C3"),
    ("memantine", "CC12CC3CC(C)(C1)CC(N)(C3)C2"),
    ("spironolactone", "CC(=O)SC1CC2=CC(=O)CCC2(C)C2CCC3(C)C(CCC34CCC(=O)O4)C12"),
    ("cholesterol", "CC(C)CCCC(C)C1CCC2C3CC=C4CC(O)CCC4(C)C3CCC12C"),
    ("dexamethasone", "CC1CC2C3CCC4=CC(=O)C=CC4(C)C3(F)C(O)CC2(C)C1(O)C(=O)CO"),
    ("penicillin-g", "CC1(C)SC2C(NC(=O)Cc3ccccc3)C(=O)N2C1C(=O)O"),
    ("cefalexin", "CC1=C(C(=O)O)N2C(=O)C(NC(=O)C(N)c3ccccc3)C2SC1"),
    ("omeprazole", "COc1ccc2[nH]c(S(=O)Cc3ncc(C)c(OC)c3C)nc2c1"),
    ("modafinil", "NC(=O)CS(=O)C(c1ccccc1)c1ccccc1"),
    ("ezetimibe", "OC(CCC1C(=O)N(c2ccc(F)cc2)C1c1ccc(O)cc1)c1ccc(F)cc1"),
    ("ritonavir", "CC(C)c1nc(CN(C)C(=O)NC(C(=O)NC(Cc2ccccc2)CC(O)C(Cc2ccccc2)NC(=O)OCc2cncs2)C(C)C)cs1"),
    ("sofosbuvir", "CC(C)OC(=O)C(C)NP(=O)(OCC1OC(n2ccc(=O)[nH]c2=O)C(C)(F)C1O)Oc1ccccc1"),
    ("oseltamivir", "CCOC(=O)C1=CC(OC(CC)CC)C(NC(C)=O)C(N)C1"),
    ("glucose", "OCC1OC(O)C(O)C(O)C1O"),
    ("sucrose", "OCC1OC(OC2(CO)OC(CO)C(O)C2O)C(O)C(O)C1O"),
    ("quinuclidine", "C1CN2CCC1CC2"),
    ("dabco", "C1CN2CCN1CC2"),
    ("cubane", "C12C3C4C1C5C2C3C45"),
    ("spiro[4.5]decane", "C1CCC2(CC1)CCCC2"),
    ("dispiro", "C1CC2(C1)CC1(C2)CCC1"),
    ("norbornane-spiro", "C1CC2CC1C21CC1"),
    ("tropinone", "CN1C2CCC1CC(=O)C2"),
    ("vancomycin-aglycone-like", "CNC(CC(C)C)C(=O)NC1C(=O)NC(CC(N)=O)C(=O)NC2C(=O)NC3C(=O)NC(C(=O)NC(C(=O)O)c4cc(O)cc(O)c4-c4cc3ccc4O)C(O)c3ccc(c(Cl)c3)Oc3cc2cc(c3O)Oc2ccc(cc2Cl)C1O"),
    ("tacrolimus", "C=CCC1C=C(C)CC(C)CC(OC)C2OC(O)(C(=O)C(=O)N3CCCCC3C(=O)OC(C(C)=CC3CCC(O)C(OC)C3)C(C)C(O)CC1=O)C(C)CC2OC"),
    ("remdesivir", "CCC(CC)COC(=O)C(C)NP(=O)(OCC1OC(C#N)(c2ccc3c(N)ncnn23)C(O)C1O)Oc1ccccc1"),
    ("12-crown-4", "C1COCCOCCOCCO1"),
    ("cyclododecane", "C1CCCCCCCCCCC1"),
    ("sulfonium", "C[S+](C)CC(N)C(=O)O"),
    ("aziridine-n", "CC1CN1C"),
    ("phosphine", "CP(CC)c1ccccc1"),
    ("triphenylphosphine-oxide", "O=P(c1ccccc1)(c1ccccc1)c1ccccc1"),
    ("isotope-labelled", "[13CH3]C(O)CC"),
    ("charged-ammonium", "C[N+](C)(CC)CCC"),
]


def moses_rows():
    with zipfile.ZipFile(WHEEL) as z:
        raw = z.read("moses/dataset/data/test.csv.gz")
    return list(csv.DictReader(io.TextIOWrapper(gzip.GzipFile(fileobj=io.BytesIO(raw)))))


def parts(mol):
    fp = sascorer.mfpgen.GetSparseCountFingerprint(mol).GetNonzeroElements()
    if sascorer._fscores is None:
        sascorer.readFragmentScores()
    total = sum(fp.values())
    fragment = sum(sascorer._fscores.get(i, -4) * c for i, c in fp.items()) / total
    ri = mol.GetRingInfo()
    return [
        f"{sascorer.calculateScore(mol):.12f}", f"{fragment:.12f}", total, len(fp), mol.GetNumAtoms(),
        len(Chem.FindMolChiralCenters(mol, includeUnassigned=True)),
        rdMolDescriptors.CalcNumSpiroAtoms(mol), rdMolDescriptors.CalcNumBridgeheadAtoms(mol),
        sum(1 for r in ri.AtomRings() if len(r) > 8)]


def main():
    molecules = []
    with open(os.path.join(ROOT, "molecules", "zinc-subset.smi")) as f:
        for line in f:
            smiles, name = line.split()
            molecules.append(("zinc", name, smiles))
    rows = moses_rows()
    for index in range(22, len(rows), 352)[:500]:
        molecules.append(("moses", f"moses-test-{index}", rows[index]["SMILES"]))
    molecules += [("drug", name, smiles) for name, smiles in DRUGS]
    out = []
    for kind, name, smiles in molecules:
        mol = Chem.MolFromSmiles(smiles)
        if mol is None:
            sys.exit(f"RDKit cannot read {name}: {smiles}")
        Chem.RemoveStereochemistry(mol)
        smiles = Chem.MolToSmiles(mol) if kind == "drug" else smiles
        mol = Chem.MolFromSmiles(smiles)
        out.append([kind, name, smiles] + parts(mol))
    path = os.path.join(ROOT, "molecules", "reference", "sa-rdkit.tsv")
    with open(path, "w", newline="") as f:
        w = csv.writer(f, delimiter="\t", lineterminator="\n")
        w.writerow(["set", "name", "smiles", "sa", "fragment", "environments", "distinct", "atoms", "chiral",
                    "spiro", "bridgeheads", "macrocycles"])
        w.writerows(out)
    print(f"{len(out)} molecules, RDKit {rdkit.__version__}, legacy stereo {Chem.GetUseLegacyStereoPerception()} -> {path}")


if __name__ == "__main__":
    main()
