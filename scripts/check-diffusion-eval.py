#!/usr/bin/env python3
"""Recomputes the numbers of `cfx eval diffusion` from the files it writes, with numpy and scipy
(numpy.cov, then tr (Σ₁Σ₂)^½ through symmetric eigendecompositions in float64; scipy's sqrtm, the
usual FID code, is printed beside it: it warns and loses accuracy on the singular covariances of
pooled ReLU features): both Fréchet distances from features.csv,
the classifier agreement (overall and per class) from its predictions, and the sample count from
samples-labels.idx. Usage: scripts/check-diffusion-eval.py OUT_DIR   (needs numpy and scipy, e.g.
~/.cache/cfx/venv-sklearn/bin/python). What it cannot recompute: the features themselves (they
come from cfx's classifier)."""
import csv, json, os, struct, sys
import numpy as np, scipy.linalg

out = sys.argv[1]
summary = json.load(open(os.path.join(out, "summary.json")))
rows = {"sample": [], "trainA": [], "trainB": []}
labels, predicted = [], []
with open(os.path.join(out, "features.csv")) as f:
    reader = csv.reader(f); next(reader)
    for r in reader:
        rows[r[0]].append([float(v) for v in r[4:]])
        if r[0] == "sample": labels.append(int(r[2])); predicted.append(int(r[3]))
def fd(x, y, sqrtm=False):
    x, y = np.array(x, dtype=np.float64), np.array(y, dtype=np.float64)
    c1, c2 = np.cov(x, rowvar=False), np.cov(y, rowvar=False)
    if sqrtm:
        cross = np.trace(scipy.linalg.sqrtm(c1 @ c2).real)
    else:
        w, v = np.linalg.eigh(c1)
        s = (v * np.sqrt(np.clip(w, 0, None))) @ v.T
        m = s @ c2 @ s
        cross = np.sqrt(np.clip(np.linalg.eigvalsh((m + m.T) / 2), 0, None)).sum()
    return float(((x.mean(0) - y.mean(0)) ** 2).sum() + np.trace(c1) + np.trace(c2) - 2 * cross)
problems = []
for name, value in [("fidProxy", fd(rows["sample"], rows["trainB"])), ("fidProxyTrainingSplitHalf", fd(rows["trainA"], rows["trainB"]))]:
    if abs(value - summary[name]) > 1e-3 * max(1, abs(value)): problems.append(f"{name}: recomputed {value}, summary {summary[name]}")
    print(f"{name}: {value:.4f} (summary {summary[name]:.4f})")
for name, (x, y) in [("fidProxy", ("sample", "trainB")), ("fidProxyTrainingSplitHalf", ("trainA", "trainB"))]:
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        print(f"  {name} with scipy's sqrtm (for comparison only): {fd(rows[x], rows[y], sqrtm=True):.4f}")
labels, predicted = np.array(labels), np.array(predicted)
agreement = float((labels == predicted).mean())
if abs(agreement - summary["classifierAgreement"]) > 1e-12: problems.append(f"agreement {agreement} vs {summary['classifierAgreement']}")
per_class = [float((predicted[labels == k] == k).mean()) for k in range(len(summary["classNames"]))]
if np.max(np.abs(np.array(per_class) - summary["classifierAgreementPerClass"])) > 1e-12: problems.append("per-class agreement differs")
data = open(os.path.join(out, "samples-labels.idx"), "rb").read()
if struct.unpack(">I", data[4:8])[0] != len(labels): problems.append("samples-labels.idx count differs from features.csv")
print(f"agreement {agreement:.4f}; {len(problems)} problem(s)")
for p in problems: print(p)
sys.exit(1 if problems else 0)
