#!/usr/bin/env python3
"""Validation of two training runs at equal elapsed time, from their training-log.jsonl files.

Usage: python3 scripts/compare-training-logs.py REFERENCE_LOG OTHER_LOG
For every validation of OTHER_LOG, prints its elapsed seconds and step, its validation loss and
NLL, and REFERENCE_LOG's values at the same elapsed time, interpolated linearly between the
reference's two validations around it (blank outside the reference's time span). The table of
molecules/training/README.md is `compare-training-logs.py size-comparison-small.training-log.jsonl
molecules-medium/training-log.jsonl` (its first 10,000 steps).
"""
import json, sys


def validations(path):
    points = []
    for line in open(path):
        record = json.loads(line)
        if "validationLoss" in record:
            points.append((record["elapsedSeconds"], record["step"], record["validationLoss"], record.get("validationNLL", float("nan"))))
    return points


def at(points, t):
    for (t0, _, l0, n0), (t1, _, l1, n1) in zip(points, points[1:]):
        if t0 <= t <= t1:
            f = (t - t0) / (t1 - t0)
            return l0 + (l1 - l0) * f, n0 + (n1 - n0) * f
    return None


reference, other = validations(sys.argv[1]), validations(sys.argv[2])
print("elapsed_s\tstep\tother_loss\tother_nll\treference_loss\treference_nll")
for t, step, loss, nll in other:
    ref = at(reference, t)
    print(f"{t:.0f}\t{step}\t{loss:.4f}\t{nll:.2f}\t" + (f"{ref[0]:.4f}\t{ref[1]:.2f}" if ref else "\t"))
print(f"end of reference: {reference[-1][0]:.0f} s, step {reference[-1][1]}, loss {reference[-1][2]:.4f}, NLL {reference[-1][3]:.2f}")
