#!/usr/bin/env python3
"""Compares the logp, MW and TPSA cached by `cfx data molecules` with RDKit.

Usage: cfx data molecules && pip install rdkit==2026.9.1 &&
       python3 scripts/chem-compare-dataset.py ~/.cache/cfx/data/molecules/test.jsonl
   or: cfx props in.smi --output-format csv > props.csv && python3 scripts/chem-compare-dataset.py props.csv
Prints the count, mean absolute and maximum differences, the share with the same membership in
logp ∈ [1.7, 3.8], and the worst molecules.
"""
import json, sys
from rdkit import Chem
from rdkit.Chem import Crippen, Descriptors, rdMolDescriptors

def main(path):
    n = 0
    sums = {"logp": 0.0, "mw": 0.0, "tpsa": 0.0}
    worst = {"logp": (0.0, ""), "mw": (0.0, ""), "tpsa": (0.0, "")}
    same_window = 0
    if path.endswith(".csv"):
        import csv
        rows = ({"smiles": r["canonical_smiles"], "logp": float(r["logp"]), "mw": float(r["mw"]),
                 "tpsa": float(r["tpsa"])} for r in csv.DictReader(open(path)))
    else:
        rows = (json.loads(line) for line in open(path))
    for row in rows:
        mol = Chem.MolFromSmiles(row["smiles"])
        ref = {"logp": Crippen.MolLogP(mol), "mw": Descriptors.MolWt(mol), "tpsa": rdMolDescriptors.CalcTPSA(mol)}
        for key in sums:
            d = abs(row[key] - ref[key])
            sums[key] += d
            if d > worst[key][0]:
                worst[key] = (d, row["smiles"])
        same_window += (1.7 <= row["logp"] <= 3.8) == (1.7 <= ref["logp"] <= 3.8)
        n += 1
    print(f"{n} molecules")
    for key in sums:
        print(f"{key}: MAE {sums[key] / n:.6f} (values are rounded in the file), max {worst[key][0]:.6f} at {worst[key][1]}")
    print(f"same logp window [1.7, 3.8]: {same_window / n:.6f}")

if __name__ == "__main__":
    main(sys.argv[1])
