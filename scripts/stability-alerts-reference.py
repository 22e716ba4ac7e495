#!/usr/bin/env python3
"""RDKit's matches of cfx's stability alerts (Sources/Chemistry/StabilityAlerts.swift), the golden for
cfx's evaluation, and the alerts' rates on MOSES training molecules.

Usage:
  pip install rdkit==2026.9.1        (into ~/.cache/cfx/venv-rdkit)
  pip download molsets==0.3.1 --no-deps -d ~/.cache/cfx/molsets
  ~/.cache/cfx/venv-rdkit/bin/python scripts/stability-alerts-reference.py [--answers FILE.smi]

The alert names and SMARTS are read from StabilityAlerts.swift (every `.init("name", "smarts", ...`).
Molecules:
  crafted  the positive and near-miss examples listed below
  zinc     molecules/zinc-subset.smi
  train    every 8th MOSES training molecule (198,083): all on which RDKit fires an alert, plus 3,000
           others (rows chosen with random.Random(0))
  answers  SMILES<TAB>name lines of --answers (e.g. cfx explain counterfactuals), when given
Writes molecules/reference/stability-alerts-rdkit.tsv: set, name, smiles, alerts (names joined by "|",
empty when none), and prints each alert's rate on the 198,083 training molecules (and on the answers).
"""
import csv, gzip, io, os, random, re, sys, zipfile

import rdkit
from rdkit import Chem, RDLogger

RDLogger.DisableLog("rdApp.*")
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
WHEEL = os.path.expanduser("~/.cache/cfx/molsets/molsets-0.3.1-py3-none-any.whl")

CRAFTED = [
    "CC(O)=CC", "CC(=O)CC", "COC(C)=CC", "C1CCOC(C)=C1", "CC(=C)N1CCCC1", "CC(=O)N1CCCC1", "CN(C)C=CC",
    "CC1=CCN(C)C=C1", "ClC=CC", "Clc1ccccc1", "CC(=O)Cl", "CC(=O)OC", "CS(=O)(=O)Cl", "CS(=O)(=O)N",
    "CNOC", "CC=NO", "CC(=O)NO", "O=[N+]([O-])c1ccccc1", "C[n+]1ccccc1[O-]", "c1cnoc1", "CC(O)N(C)C",
    "CC(O)OC", "CC(N(C)C)N(C)C", "C1CNCN1", "COOC", "CC(C)=S", "CC=S", "CC(N)=S", "NC(N)=S",
    "C=S(=O)", "C=C=C", "CC=C=O", "CN=C=O", "CN=C=S", "CN=C=NC", "CN=[N+]=[N-]", "C=[N+]=[N-]",
    "c1ccccc1[N+]#N", "CC(=O)OC(C)=O", "CCC=O", "NC=O", "C=CC(=O)C", "C=CC(=O)N", "C=CC(=O)OC",
    "C1CO1", "C1CN1", "C1CS1", "C1CC1", "CSSC", "C1CSSC1", "ClCC(=O)C", "CC(=O)C#N", "CNCl", "COCl",
    "CSCl", "CN=O", "CN(C)N=O", "C[N+]#[C-]", "CC#CN(C)C", "COC#C", "CC=NC", "CC(N)=NC", "C1CC=NC1",
    "NC(=O)O", "CC(OC)(OC)OC", "CNNC", "CC(=O)NNC", "NN", "CN=NC", "c1ccccc1N=Nc1ccccc1",
    "C1CN=NC1", "C#CC#C", "CS", "CSC", "CCI", "COS(C)(=O)=O", "c1ccccc1OS(C)(=O)=O", "OC1=CC=CC1",
    "C=C(O)c1ccccc1", "FC(F)=C(F)F", "CC(=O)C(C)Br",
    "C1CCOC=C1", "c1ccoc1", "COC1=CCCCC1", "CN1CNc2ccccc2C1", "CN1CN(C)C(=O)C1", "O=C1NCN(C)C1=O", "CN1CCN(C)C1C",
    "ClCOC", "BrCOc1ccccc1", "ClCOC(C)=O", "ClCN1CCCC1", "ClCn1ccnc1", "FCOC", "ClCCOC", "CC(Cl)c1ccccc1",
    "ClCCN(C)C", "ClCCN(CCCl)C", "ClCCSC", "ClCCNC(C)=O", "ClCCNS(C)(=O)=O", "ClCCCN(C)C", "FCCN(C)C",
]


def alerts_from_swift():
    text = open(os.path.join(ROOT, "Sources", "Chemistry", "StabilityAlerts.swift"), encoding="utf-8").read()
    found = re.findall(r'\.init\(\s*"([^"]+)",\s*"([^"]+)"', text)
    if not found:
        sys.exit("no alerts found in StabilityAlerts.swift")
    return [(name, smarts, Chem.MolFromSmarts(smarts)) for name, smarts in found]


def fired(alerts, mol):
    return [name for name, _, pattern in alerts if mol.HasSubstructMatch(pattern)]


def main():
    answers = None
    if "--answers" in sys.argv:
        answers = sys.argv[sys.argv.index("--answers") + 1]
    alerts = alerts_from_swift()
    for name, smarts, pattern in alerts:
        if pattern is None:
            sys.exit(f"RDKit cannot read the SMARTS of {name}: {smarts}")
    out = []

    def add(kind, name, smiles):
        mol = Chem.MolFromSmiles(smiles)
        if mol is None:
            print(f"skipping {kind} {name}: RDKit cannot read {smiles}", file=sys.stderr)
            return None
        hits = fired(alerts, mol)
        out.append([kind, name, smiles, "|".join(hits)])
        return hits

    for i, smiles in enumerate(CRAFTED):
        add("crafted", f"crafted-{i}", smiles)
    with open(os.path.join(ROOT, "molecules", "zinc-subset.smi")) as f:
        for line in f:
            smiles, name = line.split()
            add("zinc", name, smiles)
    with zipfile.ZipFile(WHEEL) as z:
        raw = z.read("moses/dataset/data/train.csv.gz")
    rows = list(csv.DictReader(io.TextIOWrapper(gzip.GzipFile(fileobj=io.BytesIO(raw)))))
    train = [(f"moses-train-{i}", rows[i]["SMILES"]) for i in range(0, len(rows), 8)]
    counts = {name: 0 for name, _, _ in alerts}
    clean, any_alert = [], 0
    for name, smiles in train:
        hits = fired(alerts, Chem.MolFromSmiles(smiles))
        for h in hits:
            counts[h] += 1
        if hits:
            any_alert += 1
            out.append(["train", name, smiles, "|".join(hits)])
        else:
            clean.append((name, smiles))
    for name, smiles in random.Random(0).sample(clean, 3000):
        out.append(["train", name, smiles, ""])
    answer_counts, answer_total, answer_any = {name: 0 for name, _, _ in alerts}, 0, 0
    if answers:
        with open(answers) as f:
            for line in f:
                parts = line.split()
                if not parts:
                    continue
                hits = add("answers", parts[1] if len(parts) > 1 else f"answer-{answer_total}", parts[0])
                if hits is None:
                    continue
                answer_total += 1
                answer_any += bool(hits)
                for h in hits:
                    answer_counts[h] += 1
    path = os.path.join(ROOT, "molecules", "reference", "stability-alerts-rdkit.tsv")
    with open(path, "w", newline="") as f:
        w = csv.writer(f, delimiter="\t", lineterminator="\n")
        w.writerow(["set", "name", "smiles", "alerts"])
        w.writerows(out)
    print(f"RDKit {rdkit.__version__}: {len(out)} rows -> {path}")
    print(f"{'alert':32s} {'MOSES train (1/8)':>22s} {'answers':>18s}")
    for name, _, _ in alerts:
        a = f"{answer_counts[name]} ({100 * answer_counts[name] / answer_total:.2f}%)" if answer_total else "-"
        print(f"{name:32s} {counts[name]:8d} ({100 * counts[name] / len(train):.4f}%) {a:>18s}")
    a = f"{answer_any} ({100 * answer_any / answer_total:.2f}%)" if answer_total else "-"
    print(f"{'any alert':32s} {any_alert:8d} ({100 * any_alert / len(train):.4f}%) {a:>18s}  of {len(train)} / {answer_total}")


if __name__ == "__main__":
    main()
