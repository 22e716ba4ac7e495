#!/usr/bin/env python3
"""Makes cfx's shipped ZINC-derived subset and its RDKit reference values.

Usage:
  pip install rdkit==2026.9.1
  pip download molsets==0.3.1 --no-deps -d ~/.cache/cfx/molsets
  python3 scripts/chem-reference.py

Input: moses/dataset/data/test.csv.gz inside the molsets 0.3.1 wheel (MOSES benchmark, ZINC Clean
Leads, MIT licence). Takes every 44th molecule of the 176,074-molecule test split (4,002
molecules) and writes
  molecules/zinc-subset.smi                   SMILES<TAB>name (name = moses-test-<row>)
  molecules/reference/zinc-subset-rdkit.csv   RDKit values per molecule:
    name, smiles, rdkit canonical SMILES (no stereo), MolLogP, MolWt, TPSA, heavy atoms,
    rings (SSSR), aromatic atoms, Morgan radius-2 count fingerprint folded to 2048
    ("bit:count;..."; the bit fingerprint is its support).
"""
import csv, gzip, io, os, sys, zipfile

import rdkit
from rdkit import Chem
from rdkit.Chem import Descriptors, Crippen, rdMolDescriptors, rdFingerprintGenerator

WHEEL = os.path.expanduser("~/.cache/cfx/molsets/molsets-0.3.1-py3-none-any.whl")
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
STRIDE = 44

def main():
    with zipfile.ZipFile(WHEEL) as z:
        raw = z.read("moses/dataset/data/test.csv.gz")
    rows = list(csv.DictReader(io.TextIOWrapper(gzip.GzipFile(fileobj=io.BytesIO(raw)))))
    generator = rdFingerprintGenerator.GetMorganGenerator(radius=2, fpSize=2048)
    smi_lines, ref_rows = [], []
    for index in range(0, len(rows), STRIDE):
        smiles = rows[index]["SMILES"]
        name = f"moses-test-{index}"
        mol = Chem.MolFromSmiles(smiles)
        if mol is None:
            print("skipping unparsable", smiles, file=sys.stderr)
            continue
        counts = generator.GetCountFingerprintAsNumPy(mol)
        folded = ";".join(f"{i}:{int(c)}" for i, c in enumerate(counts) if c)
        ref_rows.append([
            name, smiles, Chem.MolToSmiles(mol, isomericSmiles=False),
            f"{Crippen.MolLogP(mol):.6f}", f"{Descriptors.MolWt(mol):.4f}",
            f"{rdMolDescriptors.CalcTPSA(mol):.4f}", mol.GetNumHeavyAtoms(),
            rdMolDescriptors.CalcNumRings(mol),
            sum(1 for a in mol.GetAtoms() if a.GetIsAromatic()), folded])
        smi_lines.append(f"{smiles}\t{name}")
    with open(os.path.join(ROOT, "molecules", "zinc-subset.smi"), "w") as f:
        f.write("\n".join(smi_lines) + "\n")
    with open(os.path.join(ROOT, "molecules", "reference", "zinc-subset-rdkit.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["name", "smiles", "rdkit_canonical_smiles", "rdkit_logp", "rdkit_mw",
                    "rdkit_tpsa", "heavy_atoms", "rings", "aromatic_atoms", "morgan_r2_counts_2048"])
        w.writerows(ref_rows)
    print(f"{len(ref_rows)} molecules, RDKit {rdkit.__version__}")

if __name__ == "__main__":
    main()
