#!/usr/bin/env python3
"""Recomputes the numbers of `cfx eval saliency` from the files it writes: the set's test images,
labels, masks and part masks (IDX), the classifier's checkpoint rebuilt in PyTorch, and every
map in maps-METHOD.csv. For each method: the deletion and insertion areas (substrates and
portions as summary.json states, the blur written here with numpy), Average Drop and Increase in
Confidence in both variants, the pointing game and mass on the object mask, the mass on the
one part in which the true and predicted toy-bird classes differ (the parts parsed from the class
names) or on the part removed (--images part-removed: the image rebuilt here), and the counterfactuals' failure rate and mean edits from scores.csv; then compares with
summary.json. Needs torch (scripts/bench-images-vs-pytorch.sh makes such an environment; also
~/.cache/cfx/venv-torch). Usage: check-saliency-eval.py OUT_DIR SET_DIR CLASSIFIER_DIR"""
import csv, json, math, os, struct, sys
import numpy as np
import torch
import torch.nn.functional as F

out, data, model_dir = sys.argv[1:4]
summary = json.load(open(os.path.join(out, "summary.json")))

def idx(name):
    raw = open(os.path.join(data, name), "rb").read()
    dims = raw[3]
    shape = struct.unpack(">" + "I" * dims, raw[4:4 + 4 * dims])
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)

manifest = json.load(open(os.path.join(data, "manifest.json")))
C, H, W = manifest["channels"], manifest["height"], manifest["width"]
images = idx("test-images.idx").astype(np.float32) / 255  # IDX stores N, H, W(, C) interleaved
images = images.reshape(len(images), H, W, C).transpose(0, 3, 1, 2)
labels = idx("test-labels.idx").astype(int)
masks = idx("test-masks.idx").reshape(len(labels), H * W) if os.path.exists(os.path.join(data, "test-masks.idx")) else None
parts = idx("test-parts.idx").reshape(len(labels), H * W) if os.path.exists(os.path.join(data, "test-parts.idx")) else None

# The classifier: conv 3×3 → ReLU per layer, 2×2 max-pooling between stages, mean over positions, linear.
config = json.load(open(os.path.join(model_dir, "config.json")))["model"]
raw = open(os.path.join(model_dir, "model.safetensors"), "rb").read()
n = struct.unpack("<Q", raw[:8])[0]
header = json.loads(raw[8:8 + n])
tensors = {k: torch.from_numpy(np.frombuffer(raw[8 + n + v["data_offsets"][0]:8 + n + v["data_offsets"][1]], dtype=np.float32).reshape(v["shape"]).copy())
           for k, v in header.items() if k != "__metadata__"}
layers = config["stages"] * config["convsPerStage"]

def logits(x):
    x = torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32))
    with torch.no_grad():
        for i in range(layers):
            x = F.relu(F.conv2d(x, tensors[f"conv{i}.weight"], tensors[f"conv{i}.bias"], padding=1))
            if (i + 1) % config["convsPerStage"] == 0 and i + 1 < layers: x = F.max_pool2d(x, 2)
        return F.linear(x.mean(dim=(2, 3)), tensors["head.weight"], tensors["head.bias"])

def probability(batch, c):
    return torch.softmax(logits(batch).double(), dim=1)[:, c].numpy()

predicted_all = np.concatenate([logits(images[i:i + 500]).argmax(1).numpy() for i in range(0, len(images), 500)])

def blur(image, sigma):
    # Separable Gaussian, radius floor(3σ + 0.5), normalised, edges extended.
    r = int(3 * sigma + 0.5)
    k = np.exp(-np.arange(-r, r + 1) ** 2 / (2 * sigma * sigma)); k /= k.sum()
    padded = np.pad(image, ((0, 0), (0, 0), (r, r)), mode="edge")
    rows = np.stack([sum(k[t] * padded[:, :, x + t] for t in range(2 * r + 1)) for x in range(W)], axis=2)
    padded = np.pad(rows, ((0, 0), (r, r), (0, 0)), mode="edge")
    return np.stack([sum(k[t] * padded[:, y + t, :] for t in range(2 * r + 1)) for y in range(H)], axis=1)

def substrate(kind, image):
    if kind == "zero": return np.zeros_like(image)
    if kind == "mean": return np.broadcast_to(image.mean(axis=(1, 2), keepdims=True), image.shape).copy()
    return blur(image, summary["blurSigma"])

def differing_part(a, b):
    # Class names read "<beak> beak, <tail> tail, <wing> wing"; part indices 3 beak, 4 tail, 5 wing.
    pa, pb = [s.split()[0] for s in manifest["classNames"][a].split(", ")], [s.split()[0] for s in manifest["classNames"][b].split(", ")]
    diff = [3 + i for i in range(3) if pa[i] != pb[i]]
    return diff[0] if len(diff) == 1 else None

steps = summary["steps"]
scores_rows = list(csv.DictReader(open(os.path.join(out, "scores.csv"))))
part_column = {}
for r in scores_rows: part_column.setdefault(r["method"], []).append(r["part"])
problems = []
for method, expected in summary["methods"].items():
    rows = list(csv.reader(open(os.path.join(out, f"maps-{method}.csv"))))[1:]
    dele, ins, drop, inc, drop_top, inc_top, hits, energy, part_mass = [], [], [], [], [], [], [], [], []
    for r in rows:
        i, c = int(r[0]), int(r[2])
        m = np.array([float(v) for v in r[3:]], dtype=np.float32)
        x = images[i]
        removed_part = None
        if summary["selection"] == "part-removed":
            # The part (from scores.csv, in map order) painted with the lower median background colour.
            removed_part = int(part_column[method][len(dele)])
            x = x.copy()
            for ch in range(C):
                values = np.sort(x[ch].reshape(-1)[parts[i] == 0])
                x[ch].reshape(-1)[parts[i] == removed_part] = values[(len(values) - 1) // 2]
        order = sorted(range(H * W), key=lambda p: (-m[p], p))
        removed, empty = substrate(summary["deletionSubstrate"], x), substrate(summary["insertionSubstrate"], x)
        dels, inss = [], []
        for s in range(steps + 1):
            changed = np.zeros(H * W, dtype=bool); changed[order[:s * H * W // steps]] = True
            ch = changed.reshape(1, H, W)
            dels.append(np.where(ch, removed, x)); inss.append(np.where(ch, x, empty))
        pd, pi = probability(np.stack(dels), c), probability(np.stack(inss), c)
        dele.append((pd.sum() - pd[0] / 2 - pd[-1] / 2) / steps); ins.append((pi.sum() - pi[0] / 2 - pi[-1] / 2) / steps)
        top = np.zeros(H * W, dtype=np.float32); top[order[:H * W // 2]] = 1
        y, o, ot = probability(np.stack([x, x * m.reshape(1, H, W), x * top.reshape(1, H, W)]), c)
        drop.append(100 * max(0, y - o) / max(y, 1e-12)); inc.append(100.0 * (y < o))
        drop_top.append(100 * max(0, y - ot) / max(y, 1e-12)); inc_top.append(100.0 * (y < ot))
        if masks is not None:
            hits.append(masks[i][int(np.argmax(m))] > 127)
            energy.append(float((m * masks[i] / 255).sum() / m.sum()) if m.sum() > 0 else 0.0)
        if parts is not None and summary["selection"] in ("misclassified", "part-removed"):
            part = removed_part if removed_part is not None else differing_part(labels[i], predicted_all[i])
            if part is not None: part_mass.append(float((m * (parts[i] == part)).sum() / m.sum()) if m.sum() > 0 else 0.0)
    got = {"deletionAUC": np.mean(dele), "insertionAUC": np.mean(ins), "averageDrop": np.mean(drop), "increaseInConfidence": np.mean(inc),
           "averageDropTopHalf": np.mean(drop_top), "increaseInConfidenceTopHalf": np.mean(inc_top)}
    if hits: got.update(pointingGame=np.mean(hits), energyOnMask=np.mean(energy))
    if part_mass: got.update(partHit=np.mean(part_mass))
    tolerance = {"deletionAUC": 1e-3, "insertionAUC": 1e-3, "averageDrop": 0.1, "averageDropTopHalf": 0.1, "energyOnMask": 1e-5, "partHit": 1e-5,
                 "increaseInConfidence": 100 * 2 / len(rows) + 1e-9, "increaseInConfidenceTopHalf": 100 * 2 / len(rows) + 1e-9}
    line = []
    for key, value in got.items():
        mine = expected.get(key)
        ok = mine is not None and abs(value - mine) <= tolerance.get(key, 1e-12)
        if not ok: problems.append(f"{method} {key}: recomputed {value} vs summary {mine}")
        line.append(f"{key} {value:.4f}{'' if ok else ' (!)'}")
    if expected.get("failureRate") is not None:
        mine = [r for r in scores_rows if r["method"] == method]
        failed = np.mean([r["succeeded"] != "true" for r in mine])
        edits = [int(r["edits"]) for r in mine if r["succeeded"] == "true"]
        if abs(failed - expected["failureRate"]) > 1e-12 or (edits and abs(np.mean(edits) - expected["meanEdits"]) > 1e-9):
            problems.append(f"{method}: failure rate / edits differ")
        line.append(f"failure {failed:.4f}, edits {np.mean(edits) if edits else float('nan'):.2f}")
    print(f"{method} ({len(rows)} images): " + ", ".join(line))
print(f"{len(problems)} problem(s)")
for p in problems: print(p)
sys.exit(1 if problems else 0)
