#!/usr/bin/env python3
"""Recompute a `cfx eval generation` run from the molecules it wrote, with RDKit.

Usage (RDKit 2026.09.1 in the Python that runs this; the molsets 0.3.1 wheel for the MOSES
filters' SMARTS, as `cfx data molecules` keeps it):
    python3 scripts/check-generation.py OUT [--train ~/.cache/cfx/data/molecules/train.jsonl]
        [--wheel ~/.cache/cfx/molsets/molsets-0.3.1-py3-none-any.whl] [--table-tolerance 0.01]

For every row of OUT/samples.csv RDKit parses the SMILES and judges it on its own: validity
(RDKit sanitisation and one fragment), Crippen logP and the target of summary.json, the MOSES
filters (moses.metrics.utils.mol_passes_filters), SA (RDKit Contrib sascorer) and QED. Uniqueness
and novelty are recomputed on RDKit canonical SMILES, novelty against the first `referenceCount`
molecules of --train. The table of each column is then rebuilt from RDKit's values alone and
printed beside cfx's, with per-row disagreement counts and the alert rate by this script's own
unstable-group list (scripts/drug-sized-eval.py), which is independent of cfx's alerts.
Exit status 1 when a recomputed number differs from summary.json by more than --table-tolerance.
"""
import argparse, csv, json, math, os, sys

from rdkit import Chem, RDLogger
from rdkit.Chem import Crippen, QED, RDConfig

RDLogger.DisableLog("rdApp.*")
sys.path.append(os.path.join(RDConfig.RDContribDir, "SA_Score"))
import sascorer  # noqa: E402
import importlib.util  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def load(name, file):
    spec = importlib.util.spec_from_file_location(name, os.path.join(HERE, file))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("directory")
    parser.add_argument("--train", default=os.path.expanduser("~/.cache/cfx/data/molecules/train.jsonl"))
    parser.add_argument("--wheel", default=os.path.expanduser("~/.cache/cfx/molsets/molsets-0.3.1-py3-none-any.whl"))
    parser.add_argument("--table-tolerance", type=float, default=0.01)
    args = parser.parse_args()
    summary = json.load(open(os.path.join(args.directory, "summary.json")))
    rows = list(csv.DictReader(open(os.path.join(args.directory, "samples.csv"))))
    passes = load("check_oracle", "check-oracle-explain.py").moses_filters(args.wheel)
    drug_sized = load("drug_sized", "drug-sized-eval.py")
    # In target: inside the bounds summary.json records (the window of the model's condition).
    low = summary.get("targetLower") if summary.get("targetLower") is not None else -math.inf
    high = summary.get("targetUpper") if summary.get("targetUpper") is not None else math.inf

    known = set()
    if any(r["column"] != "training" for r in rows):
        # train.jsonl from `cfx data molecules` (every line a usable molecule), or a .smi file.
        with open(args.train) as f:
            lines = (line for line in f if line.strip() and not line.startswith("#"))
            for k, line in enumerate(lines):
                if k >= summary["referenceCount"]:
                    break
                mol = Chem.MolFromSmiles(json.loads(line)["smiles"] if args.train.endswith(".jsonl") else line.split()[0])
                if mol is not None:
                    known.add(Chem.MolToSmiles(mol, isomericSmiles=False))

    disagreements = {"valid": 0, "logp": 0, "in_target": 0, "moses_filters": 0, "sa": 0, "qed": 0}
    judged = {}
    for r in rows:
        smiles = r["smiles"]
        mol = Chem.MolFromSmiles(smiles) if smiles else None
        valid = mol is not None and len(Chem.GetMolFrags(mol)) == 1
        j = {"valid": valid}
        if valid:
            logp = Crippen.MolLogP(mol)
            j.update(canonical=Chem.MolToSmiles(mol, isomericSmiles=False), logp=logp, in_target=low <= logp <= high, filters=passes(mol),
                     sa=sascorer.calculateScore(mol), qed=QED.qed(mol), alert=bool(drug_sized.alerts(mol)))
        if valid != (r["valid"] == "1"):
            disagreements["valid"] += 1
        elif valid:
            disagreements["logp"] += abs(j["logp"] - float(r["logp"])) > 1e-3
            disagreements["in_target"] += j["in_target"] != (r["in_target"] == "1")
            disagreements["moses_filters"] += j["filters"] != (r["moses_filters"] == "")
            disagreements["sa"] += abs(j["sa"] - float(r["sa"])) > 0.05
            disagreements["qed"] += abs(j["qed"] - float(r["qed"])) > 0.01
        judged.setdefault(r["column"], []).append(j)

    report, worst = {"disagreeing_rows": disagreements, "columns": {}}, 0.0
    for column in summary["columns"]:
        js = judged.get(column["name"], [])
        valid = [j for j in js if j["valid"]]
        distinct = {j["canonical"] for j in valid}
        n, v = max(len(js), 1), max(len(valid), 1)
        mine = {
            "validity": len(valid) / n, "uniqueness": len(distinct) / v,
            "novelty": (len(distinct - known) / max(len(distinct), 1)) if column["name"] != "training" else None,
            "inTarget": sum(j["in_target"] for j in valid) / v, "filterPass": sum(j["filters"] for j in valid) / v,
            "validAndFilterPass": sum(j["filters"] for j in valid) / n,
            "meanSA": sum(j["sa"] for j in valid) / v, "meanQED": sum(j["qed"] for j in valid) / v,
        }
        side = {}
        for key, value in mine.items():
            theirs = column.get(key)
            if value is None or theirs is None or isinstance(theirs, str):
                side[key] = {"rdkit": value, "cfx": theirs}
                continue
            # SA is on a 1–10 scale: compared at ten times the tolerance.
            scale = 10 if key == "meanSA" else 1
            worst = max(worst, abs(value - theirs) / scale)
            side[key] = {"rdkit": round(value, 4), "cfx": round(theirs, 4)}
        side["alertRate (this script's list)"] = {"rdkit": round(sum(j["alert"] for j in valid) / v, 4)}
        report["columns"][column["name"]] = side
    report["largest_table_difference"] = round(worst, 4)
    report["agrees"] = worst <= args.table_tolerance
    print(json.dumps(report, indent=1))
    sys.exit(0 if report["agrees"] else 1)


if __name__ == "__main__":
    main()
