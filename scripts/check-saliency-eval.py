#!/usr/bin/env python3
"""Recomputes the numbers of `cfx eval saliency` from the files it writes, with numpy: for each
method, the pointing game (first maximum in row-major order on a mask pixel > 127) and the mean
fraction of map mass on the mask (weighted by mask/255) from maps-METHOD.csv and the set's
test-masks.idx, and the mean object area. The deletion and insertion areas need cfx's
classifier's probabilities, so they are not recomputed here. Usage: scripts/check-saliency-eval.py OUT_DIR SET_DIR"""
import csv, json, os, struct, sys
import numpy as np

out, data = sys.argv[1], sys.argv[2]
summary = json.load(open(os.path.join(out, "summary.json")))
raw = open(os.path.join(data, "test-masks.idx"), "rb").read()
n, h, w = struct.unpack(">III", raw[4:16])
masks = np.frombuffer(raw, dtype=np.uint8, offset=16).reshape(n, h * w)[: summary["images"]].astype(np.float64)
problems = []
area = float((masks > 127).mean(axis=1).mean())
if abs(area - summary["meanObjectArea"]) > 1e-12: problems.append(f"object area {area} vs {summary['meanObjectArea']}")
for method, scores in summary["methods"].items():
    rows = list(csv.reader(open(os.path.join(out, f"maps-{method}.csv"))))[1:]
    maps = np.array([[float(v) for v in r[2:]] for r in rows], dtype=np.float32)
    hits = masks[np.arange(len(maps)), maps.argmax(axis=1)] > 127
    energy = np.where(maps.sum(1) > 0, (maps * masks / 255).sum(1) / np.maximum(maps.sum(1), 1e-30), 0)
    pg, en = float(hits.mean()), float(energy.mean())
    # The maps are written exactly (Float32 in shortest decimals); sums differ only by rounding order.
    if abs(pg - scores["pointingGame"]) > 1e-12 or abs(en - scores["energyOnMask"]) > 1e-6:
        problems.append(f"{method}: pointing game {pg} vs {scores['pointingGame']}, energy {en} vs {scores['energyOnMask']}")
    print(f"{method}: pointing game {pg:.4f} (summary {scores['pointingGame']:.4f}), energy on the object {en:.4f} (summary {scores['energyOnMask']:.4f})")
print(f"object area {area:.4f}; {len(problems)} problem(s)")
for p in problems: print(p)
sys.exit(1 if problems else 0)
