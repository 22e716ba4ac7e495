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

from line_protocol import serve

RDLogger.DisableLog("rdApp.*")


def answer(smiles):
    mol = Chem.MolFromSmiles(smiles)
    if mol is None:
        raise ValueError(f"logp_rdkit: RDKit cannot read {smiles}")
    return f"{Crippen.MolLogP(mol):.6f}"


if __name__ == "__main__":
    serve(answer)
