#!/usr/bin/env python3
"""Recompute `cfx eval difclue`'s table from the files it writes.

Usage: scripts/check-difclue-eval.py OUT
  (numpy, scipy and scikit-learn; e.g. ~/.cache/cfx/venv-sklearn/bin/python, made with
   python3 -m venv ~/.cache/cfx/venv-sklearn && ~/.cache/cfx/venv-sklearn/bin/pip install scikit-learn)

From OUT/counterfactuals.METHOD.csv (one row per input and direction, with the attribute
oracle's class of the counterfactual) it recomputes validity, mean strength, pixel and latent
L2 of the flipped counterfactuals, and mode alignment (Hungarian matching of directions to
true modes on the counts, scipy's linear_sum_assignment); from OUT/modes.METHOD.csv the
k-means modes' NMI and ACC against the true modes (scikit-learn); from
OUT/trajectories.METHOD.csv importance (scipy's spearmanr per sweep, averaged where defined, and
pearsonr pooled). Distinctness, realism, substitutability and the Fréchet proxy need the models
and images and are not recomputed here. Exit status 1 on a mismatch.
"""
import csv, json, sys
from pathlib import Path
import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.stats import pearsonr, spearmanr
from sklearn.metrics import normalized_mutual_info_score

out = Path(sys.argv[1])
summary = json.loads((out / "summary.json").read_text())
attributes = summary["attributes"]
problems = 0

def close(name, ours, theirs, tol=1e-9):
    global problems
    if ours is None and theirs is None:
        return
    if ours is None or theirs is None or abs(ours - theirs) > tol:
        problems += 1
        print(f"MISMATCH {name}: cfx {ours} vs recomputed {theirs}")

for method, score in summary["scores"].items():
    rows = list(csv.DictReader(open(out / f"counterfactuals.{method}.csv")))
    k = score["directions"]
    flipped = [r for r in rows if r["flipped"] == "true"]
    close(f"{method} validity", score["validity"], len(flipped) / len(rows))
    mean = lambda xs: sum(xs) / len(xs) if xs else None
    close(f"{method} strength", score.get("meanStrength"), mean([float(r["strength"]) for r in flipped]), 1e-6)
    close(f"{method} pixel L2", score.get("pixelL2"), mean([float(r["pixel_l2"]) for r in flipped]), 1e-6)
    close(f"{method} latent L2", score.get("latentL2"), mean([float(r["latent_l2"]) for r in flipped]), 1e-5)
    counts = np.zeros((k, len(attributes)))
    totals = np.zeros(k)
    for r in rows:
        j = int(r["direction"])
        totals[j] += 1
        if r["flipped"] == "true" and r["oracle_class_name"] in attributes:
            counts[j, attributes.index(r["oracle_class_name"])] += 1
    rows_idx, cols_idx = linear_sum_assignment(-counts)
    per = np.zeros(len(attributes))
    for j, a in zip(rows_idx, cols_idx):
        per[a] = counts[j, a] / totals[j] if totals[j] else 0
    # The Hungarian optimum can tie; compare the total matched count rather than the matching.
    cfx_total = sum(score["modeAlignment"]["counts"][j][a] for a, j in enumerate(score["modeAlignment"]["matchedDirection"]) if j is not None)
    close(f"{method} matched counterfactuals", float(cfx_total), float(counts[rows_idx, cols_idx].sum()))
    if len(set(totals)) == 1:
        close(f"{method} mode alignment", score["modeAlignment"]["accuracy"], float(per.mean()), 1e-9)
    modes_file = out / f"modes.{method}.csv"
    if modes_file.exists() and score.get("modeNMI") is not None:
        m = [r for r in csv.DictReader(open(modes_file)) if r["true_mode"] != ""]
        truth, found = [int(r["true_mode"]) for r in m], [int(r["mode"]) for r in m]
        close(f"{method} mode NMI", score["modeNMI"], normalized_mutual_info_score(truth, found), 1e-6)
        # ACC: the best one-to-one matching of found modes to true modes.
        table = np.zeros((max(found) + 1, max(truth) + 1))
        for t, f in zip(truth, found):
            table[f, t] += 1
        r_, c_ = linear_sum_assignment(-table)
        close(f"{method} mode ACC", score["modeACC"], table[r_, c_].sum() / len(truth), 1e-9)
    traj_file = out / f"trajectories.{method}.csv"
    if traj_file.exists() and score.get("importance") is not None:
        sweeps = {}
        for r in csv.DictReader(open(traj_file)):
            sweeps.setdefault((r["input"], r["direction"]), []).append((float(r["strength"]), float(r["p_target"])))
        rhos = []
        for probes in sweeps.values():
            xs, ys = [p[0] for p in probes], [p[1] for p in probes]
            if len(xs) >= 2 and len(set(xs)) > 1 and len(set(ys)) > 1:
                rhos.append(spearmanr(xs, ys).statistic)
        imp = score["importance"]
        close(f"{method} importance sweeps", float(imp["sweeps"]), float(len(rhos)))
        close(f"{method} importance rho", imp.get("spearman"), float(np.mean(rhos)) if rhos else None, 1e-6)
        allx = [p[0] for ps in sweeps.values() for p in ps]
        ally = [p[1] for ps in sweeps.values() for p in ps]
        close(f"{method} importance r", imp.get("pearson"), float(pearsonr(allx, ally).statistic) if len(set(ally)) > 1 else None, 1e-5)
    print(f"{method}: validity {len(flipped) / len(rows):.3f}, mode alignment {per.mean():.3f}, checked")
print(f"{problems} problem(s)")
sys.exit(1 if problems else 0)
