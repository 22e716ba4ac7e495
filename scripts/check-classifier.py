#!/usr/bin/env python3
"""Recomputes a classifier's evaluation.json from test-predictions.csv and the set's test labels
(scikit-learn when installed, numpy otherwise): accuracy and confusion matrix, that the
predicted class is the arg-max of the probabilities, that probabilities sum to 1, and that the
labels are the set's. Usage: scripts/check-classifier.py MODEL_DIR SET_DIR"""
import csv, os, struct, sys
import json
import numpy as np

model, data = sys.argv[1], sys.argv[2]
evaluation = json.load(open(os.path.join(model, "evaluation.json")))
rows = list(csv.reader(open(os.path.join(model, "test-predictions.csv"))))[1:]
labels = np.array([int(r[1]) for r in rows]); predicted = np.array([int(r[2]) for r in rows])
p = np.array([[float(x) for x in r[3:]] for r in rows])
raw = open(os.path.join(data, "test-labels.idx"), "rb").read()
truth = np.frombuffer(raw, dtype=np.uint8, offset=8)
problems = []
if not np.array_equal(labels, truth): problems.append("labels differ from the set's test labels")
if not np.array_equal(predicted, p.argmax(axis=1)): problems.append("a prediction is not the arg-max of its probabilities")
if np.abs(p.sum(axis=1) - 1).max() > 1e-4: problems.append("probabilities do not sum to 1")
k = p.shape[1]
confusion = np.zeros((k, k), dtype=int)
np.add.at(confusion, (labels, predicted), 1)
accuracy = (labels == predicted).mean()
try:
    from sklearn.metrics import accuracy_score, confusion_matrix
    accuracy, confusion = accuracy_score(labels, predicted), confusion_matrix(labels, predicted, labels=list(range(k)))
    source = "scikit-learn"
except ImportError:
    source = "numpy"
if abs(accuracy - evaluation["test"]["accuracy"]) > 1e-12: problems.append(f"accuracy {accuracy} ≠ {evaluation['test']['accuracy']}")
if confusion.tolist() != evaluation["test"]["confusion"]: problems.append("confusion matrix differs")
print(f"{source}: accuracy {accuracy:.4f} on {len(labels)} test images; {len(problems)} problem(s)")
for q in problems: print(q)
sys.exit(1 if problems else 0)
