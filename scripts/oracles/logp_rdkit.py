#!/usr/bin/env python3
"""An example oracle for `cfx explain --oracle`: RDKit's Crippen logP (MolLogP) of each SMILES.

The line protocol: cfx writes a batch of SMILES, one per line, ended by an empty line; this
script answers one number per SMILES, in order, then an empty line, and flushes. It exits when
its standard input closes. A SMILES RDKit cannot read is answered with an error on standard
error and exit status 2 (cfx then reports the oracle, the molecule and this message).

    cfx explain 'CCCCCCCCCCCCOc1ccccc1' --oracle 'python3 scripts/oracles/logp_rdkit.py' --target 1.7:3.8
(RDKit must be importable by that python3, e.g. `pip install rdkit`.)
"""
import sys

from rdkit import Chem, RDLogger
from rdkit.Chem import Crippen

RDLogger.DisableLog("rdApp.*")


def main():
    batch = []
    for line in sys.stdin:
        smiles = line.strip()
        if smiles:
            batch.append(smiles)
            continue
        for s in batch:
            mol = Chem.MolFromSmiles(s)
            if mol is None:
                print(f"logp_rdkit: RDKit cannot read {s}", file=sys.stderr)
                sys.exit(2)
            print(f"{Crippen.MolLogP(mol):.6f}")
        print()
        sys.stdout.flush()
        batch = []


if __name__ == "__main__":
    main()
