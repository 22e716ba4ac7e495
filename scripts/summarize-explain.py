#!/usr/bin/env python3
"""Summarises `cfx explain --out DIR` runs of molecules: one JSON line per DIR (and per tau).

Usage: python3 scripts/summarize-explain.py DIR [DIR ...]

From DIR/counterfactuals.csv alone (the values cfx wrote; scripts/check-molecule-eval.py DIR
recomputes each row with RDKit): inputs, counterfactuals, validity, in target among valid, mean
Tanimoto to the input over valid ones, and best-of-K: the share of inputs with at least one valid
in-target counterfactual and the mean Tanimoto of the most similar such one.
"""
import csv, json, sys
from collections import defaultdict


def summary(rows):
    valid = [r for r in rows if r["valid"] == "true"]
    hits = [r for r in valid if r["in_target"] == "true"]
    best = defaultdict(float)
    for r in hits:
        best[r["input_id"]] = max(best[r["input_id"]], float(r["tanimoto"]))
    inputs = {r["input_id"] for r in rows}
    mean = lambda xs: round(sum(xs) / len(xs), 3) if xs else None
    return {
        "inputs": len(inputs), "counterfactuals": len(rows),
        "validity": mean([1.0 if r["valid"] == "true" else 0.0 for r in rows]),
        "inTarget": mean([1.0 if r["in_target"] == "true" else 0.0 for r in valid]),
        "meanTanimoto": mean([float(r["tanimoto"]) for r in valid]),
        "bestOfKSuccess": round(len(best) / len(inputs), 3) if inputs else None,
        "bestOfKMeanTanimoto": mean(list(best.values())),
    }


def main(dirs):
    for d in dirs:
        with open(f"{d}/counterfactuals.csv", newline="") as f:
            rows = list(csv.DictReader(f))
        by_tau = defaultdict(list)
        for r in rows:
            by_tau[r["tau"]].append(r)
        for tau, part in sorted(by_tau.items(), key=lambda kv: int(kv[0])):
            first = part[0]
            print(json.dumps({"dir": d, "tau": int(tau), "method": first["method"], "target": first["target"],
                              "steering": float(first["steering"]), "model": first["model_sha256"][:12], **summary(part)}))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
