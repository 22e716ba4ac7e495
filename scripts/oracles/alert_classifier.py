#!/usr/bin/env python3
"""A small classifier to explain with `cfx explain --oracle`: logistic regression on Morgan
fingerprints (radius 2, 2048 bits) that predicts whether a molecule carries an aromatic amine
(an aniline-type NH2 or NH on an aromatic carbon, not an amide: a classic mutagenicity alert).
The labels come from a known rule, so the right explanation is known: change the amine.

Train (numpy + RDKit, MOSES train molecules from the molsets 0.3.1 wheel; ~1 minute):
    python3 scripts/oracles/alert_classifier.py train MOSES_TRAIN.csv.gz \
        molecules/oracles/aromatic-amine-classifier.json [--count 40000 --seed 0]
  where MOSES_TRAIN.csv.gz = moses/dataset/data/train.csv.gz of molsets-0.3.1-py3-none-any.whl.
  Prints held-out accuracy as JSON.
Test molecules (the first COUNT MOSES test molecules carrying the alert, in a seeded order):
    python3 scripts/oracles/alert_classifier.py select MOSES_TEST.csv.gz molecules/examples/aromatic-amines.smi [--count 40 --seed 1]
Answer (the oracle; JSON objects {"p_amine": p, "p_clean": 1 - p}, one per SMILES):
    cfx explain mol.smi --oracle 'python3 scripts/oracles/alert_classifier.py predict \
        molecules/oracles/aromatic-amine-classifier.json' --oracle-field p_amine --target '<=0.5'
"""
import csv, gzip, json, math, random, sys

import numpy as np
from rdkit import Chem, DataStructs, RDLogger
from rdkit.Chem import rdFingerprintGenerator

from line_protocol import serve

RDLogger.DisableLog("rdApp.*")
ALERT = Chem.MolFromSmarts("[c][NX3;H2,H1;!$(N-C=[O,S,N]);!$(N-S(=O)=O)]")
GENERATOR = rdFingerprintGenerator.GetMorganGenerator(radius=2, fpSize=2048)


def features(mol):
    array = np.zeros((2048,), dtype=np.float32)
    DataStructs.ConvertToNumpyArray(GENERATOR.GetFingerprint(mol), array)
    return array


def train(source, out, count=40000, seed=0):
    with gzip.open(source, "rt") as f:
        smiles = [row["SMILES"] for row in csv.DictReader(f)]
    rng = random.Random(seed)
    rng.shuffle(smiles)
    positives, negatives = [], []
    for s in smiles:
        mol = Chem.MolFromSmiles(s)
        if mol is None:
            continue
        (positives if mol.HasSubstructMatch(ALERT) else negatives).append((s, mol))
        if len(positives) >= count // 2 and len(negatives) >= count // 2:
            break
    data = positives[: count // 2] + negatives[: count // 2]
    rng.shuffle(data)
    x = np.stack([features(m) for _, m in data])
    y = np.array([1.0 if m.HasSubstructMatch(ALERT) else 0.0 for _, m in data], dtype=np.float32)
    split = int(0.8 * len(data))
    w, b = np.zeros(2048, dtype=np.float64), 0.0
    # Full-batch gradient descent on the mean logistic loss + 1e-4 |w|^2 (convex; Adam steps).
    m1, v1, mb, vb = np.zeros_like(w), np.zeros_like(w), 0.0, 0.0
    for step in range(1, 401):
        z = x[:split] @ w + b
        p = 1 / (1 + np.exp(-z))
        g = x[:split].T @ (p - y[:split]) / split + 2e-4 * w
        gb = float(np.mean(p - y[:split]))
        m1, v1 = 0.9 * m1 + 0.1 * g, 0.999 * v1 + 0.001 * g * g
        mb, vb = 0.9 * mb + 0.1 * gb, 0.999 * vb + 0.001 * gb * gb
        w -= 0.05 * (m1 / (1 - 0.9**step)) / (np.sqrt(v1 / (1 - 0.999**step)) + 1e-8)
        b -= 0.05 * (mb / (1 - 0.9**step)) / (math.sqrt(vb / (1 - 0.999**step)) + 1e-8)
    held = (x[split:] @ w + b > 0).astype(np.float32)
    accuracy = float(np.mean(held == y[split:]))
    with open(out, "w") as f:
        json.dump({"kind": "logistic regression on Morgan r2 2048-bit fingerprints (RDKit)",
                   "label": "aromatic amine: " + Chem.MolToSmarts(ALERT), "trained_on": f"{split} MOSES train molecules, seed {seed}",
                   "held_out_accuracy": accuracy, "bias": b, "weights": [round(float(v), 6) for v in w]}, f)
        f.write("\n")
    print(json.dumps({"train": split, "held_out": len(data) - split, "held_out_accuracy": accuracy}))


def select(source, out, count=40, seed=1):
    with gzip.open(source, "rt") as f:
        smiles = [row["SMILES"] for row in csv.DictReader(f)]
    random.Random(seed).shuffle(smiles)
    chosen = [s for s in smiles if (m := Chem.MolFromSmiles(s)) is not None and m.HasSubstructMatch(ALERT)][:count]
    with open(out, "w") as f:
        f.writelines(f"{s} moses-test-amine-{i}\n" for i, s in enumerate(chosen))


def predict(model_file):
    with open(model_file) as f:
        model = json.load(f)
    w, b = np.array(model["weights"]), model["bias"]

    def answer(smiles):
        mol = Chem.MolFromSmiles(smiles)
        if mol is None:
            raise ValueError(f"alert_classifier: RDKit cannot read {smiles}")
        p = 1 / (1 + math.exp(-(float(features(mol) @ w) + b)))
        return json.dumps({"p_amine": round(p, 6), "p_clean": round(1 - p, 6)})
    serve(answer)


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "train":
        options = dict(zip(sys.argv[4::2], sys.argv[5::2]))
        train(sys.argv[2], sys.argv[3], int(options.get("--count", 40000)), int(options.get("--seed", 0)))
    elif len(sys.argv) >= 4 and sys.argv[1] == "select":
        options = dict(zip(sys.argv[4::2], sys.argv[5::2]))
        select(sys.argv[2], sys.argv[3], int(options.get("--count", 40)), int(options.get("--seed", 1)))
    elif len(sys.argv) == 3 and sys.argv[1] == "predict":
        predict(sys.argv[2])
    else:
        sys.exit(__doc__)
