#!/usr/bin/env python3
"""Paired realism comparison of the budget columns of a `cfx eval molecules --budgets ...` run,
with SA and QED recomputed by RDKit.

Usage:
  ~/.cache/cfx/venv-rdkit/bin/python scripts/paired-realism.py OUT/counterfactuals.csv

For every budget B it pairs the GDCE and the mutation-baseline column input by input. Per input
and column it takes the valid answers (status "counterfactual"), recomputes their SA
(rdkit.Contrib.SA_Score.sascorer) and QED (rdkit.Chem.QED.qed) from the written SMILES, and
averages them; then over the inputs both columns answered it prints both means, the mean paired
difference with a 95% interval (normal approximation, n >= 100 here), how many inputs each column
wins, and the two-sided exact sign-test p-value. The same is printed for the best answer per
input (the most similar in-target answer), and how often that best answer is the same molecule in
both columns. Lower SA and higher QED are more realistic. The MOSES
filter and alert rates are read from the columns cfx wrote (they are checked against RDKit and the
molsets SMARTS by scripts/check-molecule-eval.py); the alert rate is also recomputed by RDKit on
cfx's alert list as it is now (Sources/Chemistry/StabilityAlerts.swift), which may have grown since
the run, with the most frequent alerts.
"""
import importlib.util
import math
import os
import sys
from collections import defaultdict

from rdkit import Chem, RDLogger
from rdkit.Chem import QED
from rdkit.Contrib.SA_Score import sascorer

RDLogger.DisableLog("rdApp.*")

# The budget columns are read as scripts/paired-best-similarity.py reads them.
_spec = importlib.util.spec_from_file_location(
    "paired_best_similarity", os.path.join(os.path.dirname(os.path.abspath(__file__)), "paired-best-similarity.py"))
PAIRED = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(PAIRED)
# cfx's alert list as it is now (Sources/Chemistry/StabilityAlerts.swift), matched by RDKit.
_spec = importlib.util.spec_from_file_location(
    "stability_alerts_reference", os.path.join(os.path.dirname(os.path.abspath(__file__)), "stability-alerts-reference.py"))
ALERTS_REFERENCE = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ALERTS_REFERENCE)
ALERTS = ALERTS_REFERENCE.alerts_from_swift()


def scores(smiles, cache={}):
    """(SA, QED) of `smiles` by RDKit, None when RDKit cannot read it."""
    if smiles not in cache:
        mol = Chem.MolFromSmiles(smiles)
        cache[smiles] = None if mol is None else (sascorer.calculateScore(mol), QED.qed(mol))
    return cache[smiles]


def sign_test(wins, losses):
    """Two-sided exact binomial sign-test p-value (ties dropped)."""
    n, k = wins + losses, min(wins, losses)
    if n == 0:
        return 1.0
    tail = sum(math.comb(n, i) for i in range(k + 1)) / 2 ** n
    return min(1.0, 2 * tail)


def best_answers(rows):
    """{input_id: RDKit canonical SMILES of the most similar valid in-target answer}."""
    best = {}
    for r in rows:
        if r["status"] != "counterfactual" or r["valid"] != "true" or r["in_target"] != "true" or r.get("keep_failed"):
            continue
        i, t = int(r["input_id"]), float(r["tanimoto"])
        if i not in best or t > best[i][0]:
            best[i] = (t, r["counterfactual_smiles"])
    out = {}
    for i, (_, smiles) in best.items():
        mol = Chem.MolFromSmiles(smiles)
        out[i] = Chem.MolToSmiles(mol) if mol is not None else smiles
    return out


def per_input(rows, best_only):
    """{input_id: (mean SA, mean QED)} over the valid answers (or the best in-target one)."""
    groups = defaultdict(list)
    for r in rows:
        if r["status"] != "counterfactual" or r["valid"] != "true":
            continue
        groups[int(r["input_id"])].append(r)
    out = {}
    for i, rs in groups.items():
        if best_only:
            hits = [r for r in rs if r["in_target"] == "true" and not r.get("keep_failed")]
            if not hits:
                continue
            rs = [max(hits, key=lambda r: float(r["tanimoto"]))]
        s = [scores(r["counterfactual_smiles"]) for r in rs]
        s = [x for x in s if x is not None]
        if s:
            out[i] = (sum(a for a, _ in s) / len(s), sum(q for _, q in s) / len(s))
    return out


def compare(name, g, m, index, lower_better):
    both = sorted(set(g) & set(m))
    d = [g[i][index] - m[i][index] for i in both]
    n = len(d)
    mean = sum(d) / n
    sd = math.sqrt(sum((x - mean) ** 2 for x in d) / (n - 1)) if n > 1 else 0.0
    half = 1.96 * sd / math.sqrt(n) if n > 1 else float("nan")
    better = (lambda x: x < -1e-12) if lower_better else (lambda x: x > 1e-12)
    worse = (lambda x: x > 1e-12) if lower_better else (lambda x: x < -1e-12)
    wins, losses = sum(map(better, d)), sum(map(worse, d))
    gm = sum(g[i][index] for i in both) / n
    mm = sum(m[i][index] for i in both) / n
    return (f"{name}: GDCE {gm:.3f}, mutate {mm:.3f} on {n} inputs; GDCE − mutate {mean:+.3f} "
            f"[{mean - half:+.3f}, {mean + half:+.3f}]; inputs where GDCE is more realistic {wins}, "
            f"less {losses}, equal {n - wins - losses}; sign test p = {sign_test(wins, losses):.3g}")


def main():
    _, columns = PAIRED.budget_columns(sys.argv[1])
    for budget in sorted({b for b, _ in columns}):
        gr, mr = columns.get((budget, "gdce"), []), columns.get((budget, "mutate"), [])
        for label, rs in (("GDCE", gr), ("mutate", mr)):
            v = [r for r in rs if r["status"] == "counterfactual" and r["valid"] == "true"]
            if v:
                f = sum(not r["moses_filters"] for r in v) / len(v)
                a = sum(bool(r["alerts"]) for r in v) / len(v)
                now = [ALERTS_REFERENCE.fired(ALERTS, Chem.MolFromSmiles(r["counterfactual_smiles"])) for r in v]
                fired = defaultdict(int)
                for hits in now:
                    for h in hits:
                        fired[h] += 1
                common = ", ".join(f"{k} {n}" for k, n in sorted(fired.items(), key=lambda kv: -kv[1])[:4])
                print(f"B = {budget}, {label}: {len(v)} valid answers, MOSES filters pass {f:.3f}, alert rate {a:.3f} "
                      f"(the run's list); by RDKit on today's list {sum(map(bool, now)) / len(v):.3f}" + (f" ({common})" if common else ""))
        gb, mb = best_answers(gr), best_answers(mr)
        both = set(gb) & set(mb)
        print(f"B = {budget}: the best answer is the same molecule (RDKit canonical SMILES) for "
              f"{sum(gb[i] == mb[i] for i in both)} of the {len(both)} inputs both solved")
        for best_only in (False, True):
            g, m = per_input(gr, best_only), per_input(mr, best_only)
            label = "best answer" if best_only else "all answers"
            print(f"B = {budget}, {label}, " + compare("SA (RDKit)", g, m, 0, True))
            print(f"B = {budget}, {label}, " + compare("QED (RDKit)", g, m, 1, False))


if __name__ == "__main__":
    main()
