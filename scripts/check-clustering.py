#!/usr/bin/env python3
"""Recomputes the scores of `cfx cluster` / `cfx eval clustering` from the files they write, with
scikit-learn: NMI (normalized_mutual_info_score, arithmetic normalisation = 2I/(H+H)), ARI
(adjusted_rand_score) and ACC (Hungarian on the contingency table, scipy's
linear_sum_assignment) from assignments.csv (class and cluster of every image), against
result.json; for an evaluation directory, every OUT/METHOD/ and the table in summary.json.
Also checks the tag coverage from the explanations' per-cluster coverage and sizes.
Needs scikit-learn (the venv ~/.cache/cfx/venv-sklearn: python3 -m venv ~/.cache/cfx/venv-sklearn &&
~/.cache/cfx/venv-sklearn/bin/pip install scikit-learn==1.5.2).
Usage: ~/.cache/cfx/venv-sklearn/bin/python scripts/check-clustering.py DIR [DIR ...]"""
import csv, json, os, sys
import numpy as np
from scipy.optimize import linear_sum_assignment
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

def check_run(directory, expected=None):
    result = json.load(open(os.path.join(directory, "result.json")))
    rows = list(csv.DictReader(open(os.path.join(directory, "assignments.csv"))))
    truth = np.array([int(r["class"]) for r in rows]); labels = np.array([int(r["cluster"]) for r in rows])
    problems = []
    if len(rows) != result["images"]: problems.append(f"{len(rows)} rows for {result['images']} images")
    table = np.zeros((labels.max() + 1, truth.max() + 1))
    np.add.at(table, (labels, truth), 1)
    rows_, cols = linear_sum_assignment(-table)
    recomputed = {"nmi": normalized_mutual_info_score(truth, labels), "ari": adjusted_rand_score(truth, labels),
                  "accuracy": table[rows_, cols].sum() / len(truth)}
    scores = result["scores"]
    for key, value in recomputed.items():
        for name, source in [("result.json", scores)] + ([("summary.json", expected)] if expected else []):
            if abs(value - source[key]) > 1e-9: problems.append(f"{key}: scikit-learn {value:.12f}, {name} {source[key]:.12f}")
    if result.get("explanations"):
        sizes = [e["size"] for e in result["explanations"]]
        if sizes != [int((labels == c).sum()) for c in range(len(sizes))]: problems.append("cluster sizes differ from assignments.csv")
        tc = np.mean([e["coverage"] for e in result["explanations"] if e["size"] > 0])
        if abs(tc - scores["tagCoverage"]) > 1e-9: problems.append(f"tag coverage {tc} vs {scores['tagCoverage']}")
    print(f"{directory}: {result['method']}, {len(rows)} images: NMI {recomputed['nmi']:.4f}, ARI {recomputed['ari']:.4f}, "
          f"ACC {recomputed['accuracy']:.4f}: {'agrees' if not problems else 'DIFFERS: ' + '; '.join(problems)}")
    return problems

failures = []
for directory in sys.argv[1:]:
    summary_path = os.path.join(directory, "summary.json")
    if os.path.exists(summary_path):
        summary = json.load(open(summary_path))
        for method in summary["methods"]: failures += check_run(os.path.join(directory, method), summary["scores"][method])
    else:
        failures += check_run(directory)
sys.exit(1 if failures else 0)
