#!/usr/bin/env python3
"""Regenerates Sources/Chemistry/CrippenParameters.swift from RDKit's Crippen table.

Usage: pip install rdkit==2026.9.1 && python3 scripts/chem-crippen-table.py
Reads rdkit/Data/Crippen.txt from the installed wheel and rewrites the two H2 rows in the
spelling of RDKit's compiled-in table (Code/GraphMol/Descriptors/Crippen.cpp), which MolLogP uses.
"""
import os
import rdkit

HEADER = open(os.path.join(os.path.dirname(__file__), "chem-crippen-header.txt")).read()
FIXES = {"[#1]O[!C;!N;!O;!S]": "[#1]O[!#6;!#7;!#8;!#16]", "[#1][!C;!N;!O]": "[#1][!#6;!#7;!#8]"}

def main():
    path = os.path.join(os.path.dirname(rdkit.__file__), "Data", "Crippen.txt")
    lines = [HEADER.rstrip("\n"), "let crippenRows: [CrippenRow] = ["]
    for line in open(path):
        if line.startswith("#") or not line.strip():
            continue
        label, smarts, logp, mr = line.rstrip("\n").split("\t")[:4]
        smarts = FIXES.get(smarts, smarts)
        lines.append(f'  CrippenRow(label: "{label}", smarts: "{smarts}", '
                     f'logP: {float(logp or 0)!r}, molarRefractivity: {float(mr or 0)!r}),')
    lines.append("]")
    out = os.path.join(os.path.dirname(__file__), "..", "Sources", "Chemistry", "CrippenParameters.swift")
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")

if __name__ == "__main__":
    main()
