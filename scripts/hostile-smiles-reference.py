#!/usr/bin/env python3
"""Makes molecules/reference/hostile-smiles-rdkit.tsv: hostile SMILES by class, with the verdict
cfx must give and RDKit's.

Usage: pip install rdkit==2026.9.1 && python3 scripts/hostile-smiles-reference.py
Each row: the SMILES (escaped: \\t, \\n, \\x01 and non-ASCII as \\uXXXX), its class, what cfx must
say ("refused": the reader throws; "invalid": read, but the validity check fails; "valid"), and
whether RDKit's MolFromSmiles (with sanitization) accepts it, with RDKit's first message.
cfx is stricter than RDKit on purpose in three places, marked "stricter" in the class: ring
closures whose two bond symbols differ (OpenSMILES forbids them; RDKit keeps the first), a
tetrahedral mark on an atom that cannot be a stereocentre (RDKit drops it), and fragments / lone
ions (RDKit reads them; cfx's validity needs one fragment). Long inputs (1,000,000 characters,
branches nested 100 deep) are tested in HostileInputTests directly.
"""
import contextlib, io, os
from rdkit import Chem, rdBase

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")

CASES = [
    # class, cfx verdict, SMILES
    ("syntax", "refused", ["C1CC", "Xx", "C%", "", "C(C", "C)C", "C..C", ".C", "C.", "CC.", "[C", "C]", "[]",
                           "C==C", "C=#C", "C//C=C/C", "=CC", "C(=)C", "C=(O)C", "(C)C", "C((C))C", "1CC1",
                           "C%1CC%1", "c1ccccc1X"]),
    ("ring closure", "refused", ["C12CCC12", "C12CCC21", "C11", "C1C1", "C1CCCCC1C12CC2"]),
    ("ring closure, stricter", "refused", ["C=1CCC#1", "C#1CCC=1", "C-1CCC=1", "C:1CCC=1"]),
    ("ring closure", "valid", ["C1CC.C1", "C%10CCC%10", "C=1CCC=1", "C1CC=1"]),
    ("branch", "refused", ["CC()C", "C()", "CC(C)()C", "C(C)(C)()"]),
    ("dangling bond", "refused", ["CC-", "CC=", "CC#", "CC(=O)=", "C=.C", "CC(C=)C", "C1CC1="]),
    ("chirality", "refused", ["C[C@@@H](F)Cl", "C[C@@@@H](F)Cl", "C[C@TH3H](F)Cl",
                              "F[C@@H](Cl)(Br)I", "C[C@](C)(C)(C)C"]),
    ("chirality, stricter", "refused", ["C[C@H]", "[C@]", "[C@@H]", "C[C@SP1H](F)Cl", "C[C@OH1](F)(Cl)Br"]),
    ("chirality", "valid", ["C[C@H](F)Cl", "C[C@@H](O)CC", "C=[C@]=C(C)C", "C[S@@](=O)CC", "N[C@@H](C)C(=O)O"]),
    ("aromaticity", "refused", ["cccc", "c", "cc", "C=c", "Cc1ccccc1c", "c1ccccc1cc", "Oc"]),
    ("aromaticity", "invalid", ["n1cccc1", "c1cccc1", "c1ccccc1c1cccc1"]),
    ("aromaticity", "valid", ["c1ccccc1", "c1cc[nH]c1", "c1ccc2ccccc2c1", "c1ccoc1", "c1ccsc1", "c1ccncc1"]),
    ("valence", "invalid", ["C(C)(C)(C)(C)C", "N(C)(C)(C)C", "CFC", "[CH5]", "C(=O)(=O)=O", "O=O=O", "ClCl(Cl)Cl",
                            "[C]", "C#N=O", "FC(F)(F)(F)F"]),
    ("charge", "invalid", ["[Na+].[Cl-]", "CC(=O)[O-].[Na+]", "[C+5]", "[O-2]C"]),
    ("charge", "valid", ["C[N+](C)(C)C", "CC(=O)[O-]", "C[NH3+]", "CC[N-]C", "[N-3]"]),
    ("element", "invalid", ["[U]", "[Fe]", "*C", "[Xe]", "[H][H]", "[H]", "C[Na]", "[2H]C"]),
    ("size", "invalid", ["C" * 129]),
    ("bytes", "refused", ["CC\u00e9", "C\u0001C", "C C", "C\tC", "CC\u00a0C"]),
    ("isotope", "valid", ["[13CH4]", "[13CH3]C", "C[15NH2]"]),
    ("double-bond stereo", "valid", ["C/C=C/C", "C/C=C\\C", "F/C=C/F"]),
]

def escape(s):
    out = []
    for ch in s:
        if ch == "\\": out.append("\\\\")
        elif ch == "\t": out.append("\\t")
        elif ch == "\n": out.append("\\n")
        elif ord(ch) < 32 or ord(ch) > 126: out.append("\\u%04x" % ord(ch))
        else: out.append(ch)
    return "".join(out)

def main():
    rdBase.LogToPythonStderr()
    rows = []
    for klass, verdict, smiles in CASES:
        for s in smiles:
            err = io.StringIO()
            with contextlib.redirect_stderr(err):
                m = Chem.MolFromSmiles(s)
            msg = err.getvalue().strip().split("\n")[0] if err.getvalue().strip() else ""
            msg = msg.split("] ", 1)[-1].replace("\t", " ")
            rows.append((escape(s), klass, verdict, "accepted" if m is not None else "refused", msg))
    path = os.path.join(ROOT, "molecules", "reference", "hostile-smiles-rdkit.tsv")
    with open(path, "w") as f:
        f.write("smiles\tclass\tcfx\trdkit\trdkit_message\n")
        for r in rows:
            f.write("\t".join(r) + "\n")
    print(len(rows), "hostile SMILES;", sum(r[3] == "refused" for r in rows), "refused by RDKit")

if __name__ == "__main__":
    main()
