#!/usr/bin/env python3
"""Makes molecules/reference/validity-rdkit.csv: mutated molecules with RDKit's verdict.

Usage: pip install rdkit==2026.9.1 && python3 scripts/chem-validity-reference.py
Takes the first 1,500 molecules of molecules/zinc-subset.smi, kekulizes them and applies one
seeded random edit each (raise or lower a bond order, change an element, add or remove a charge,
add a bond between two atoms), writes the edited molecule as a Kekulé SMILES without sanitizing,
and records whether RDKit's sanitization accepts it (1) or not (0), with RDKit's reason.
"""
import csv, os, random
from rdkit import Chem, RDLogger

RDLogger.DisableLog("rdApp.*")
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")

def edit(mol, rng):
    rw = Chem.RWMol(mol)
    kind = rng.choice(["bond+", "bond-", "element", "charge", "newbond"])
    if kind in ("bond+", "bond-") and rw.GetNumBonds():
        b = rw.GetBondWithIdx(rng.randrange(rw.GetNumBonds()))
        order = int(b.GetBondTypeAsDouble()) + (1 if kind == "bond+" else -1)
        if order < 1 or order > 3:
            return None, kind
        b.SetBondType({1: Chem.BondType.SINGLE, 2: Chem.BondType.DOUBLE, 3: Chem.BondType.TRIPLE}[order])
    elif kind == "element":
        a = rw.GetAtomWithIdx(rng.randrange(rw.GetNumAtoms()))
        a.SetAtomicNum(rng.choice([6, 7, 8, 9, 15, 16, 17, 35, 53]))
    elif kind == "charge":
        a = rw.GetAtomWithIdx(rng.randrange(rw.GetNumAtoms()))
        a.SetFormalCharge(rng.choice([-1, 1]) if a.GetFormalCharge() == 0 else 0)
    else:
        i, j = rng.sample(range(rw.GetNumAtoms()), 2)
        if rw.GetBondBetweenAtoms(i, j) is not None:
            return None, kind
        rw.AddBond(i, j, Chem.BondType.SINGLE)
    for a in rw.GetAtoms():
        a.SetNoImplicit(False)
        a.SetNumExplicitHs(0)
    return rw, kind

def main():
    rng = random.Random(20261122)
    smiles = [line.split()[0] for line in open(os.path.join(ROOT, "molecules", "zinc-subset.smi"))][:1500]
    rows = []
    for s in smiles:
        mol = Chem.MolFromSmiles(s)
        Chem.Kekulize(mol, clearAromaticFlags=True)
        edited, kind = edit(mol, rng)
        if edited is None:
            continue
        text = Chem.MolToSmiles(edited, kekuleSmiles=True, canonical=False)
        check = Chem.MolFromSmiles(text, sanitize=False)
        if check is None:
            continue
        try:
            Chem.SanitizeMol(check)
            verdict, reason = 1, ""
        except Exception as e:  # RDKit raises for valence and kekulization problems
            verdict, reason = 0, str(e).split("\n")[0].replace(",", ";")
        rows.append([text, kind, verdict, reason])
    with open(os.path.join(ROOT, "molecules", "reference", "validity-rdkit.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["smiles", "edit", "rdkit_valid", "rdkit_reason"])
        w.writerows(rows)
    print(len(rows), "edited molecules,", sum(r[2] for r in rows), "valid per RDKit")

if __name__ == "__main__":
    main()
