#!/usr/bin/env python3
"""Paired comparison of the budget columns of a `cfx eval molecules --budgets ...` run.

Usage:
  python3 scripts/paired-best-similarity.py OUT/counterfactuals.csv

"Best-of-K mean Tanimoto" averages each column's best answer over the inputs that column
solved, so two columns with different success rates are averaged over different inputs. This
script pairs them: for every budget B it takes the GDCE and the mutation-baseline column and
prints, over the inputs *both* solved, the mean best Tanimoto of each, how many inputs each
wins, and the same over realistic answers only (no stability alert, MOSES filters passed, as
cfx judged them in the alerts and moses_filters columns). Standard library only; the numbers
come from the CSV alone.
"""
import csv
import sys
from collections import defaultdict


def best_per_input(rows, realistic):
    """{input_id: best Tanimoto} over successes (valid, in target, a real counterfactual)."""
    best = {}
    for r in rows:
        if r["status"] != "counterfactual" or r["valid"] != "true" or r["in_target"] != "true" or r.get("keep_failed"):
            continue
        if realistic and (r["alerts"] or r["moses_filters"]):
            continue
        i, t = int(r["input_id"]), float(r["tanimoto"])
        best[i] = max(t, best.get(i, 0.0))
    return best


def budget_columns(path):
    """All rows of the CSV, and the rows of each budget column keyed by (budget, method)."""
    rows = list(csv.DictReader(open(path, newline="")))
    columns = defaultdict(list)
    for r in rows:
        if r.get("budget"):
            columns[(int(r["budget"]), r["method"])].append(r)
    return rows, columns


def main():
    rows, columns = budget_columns(sys.argv[1])
    inputs = len({r["input_id"] for r in rows})
    print(f"{inputs} inputs")
    for budget in sorted({b for b, _ in columns}):
        for realistic in (False, True):
            g = best_per_input(columns.get((budget, "gdce"), []), realistic)
            m = best_per_input(columns.get((budget, "mutate"), []), realistic)
            both = sorted(set(g) & set(m))
            mean = lambda d: sum(d[i] for i in both) / len(both) if both else float("nan")
            wins = sum(g[i] > m[i] + 1e-12 for i in both), sum(m[i] > g[i] + 1e-12 for i in both)
            label = "realistic answers" if realistic else "all answers"
            print(f"B = {budget:>5}, {label:<17}: solved GDCE {len(g)}, mutate {len(m)}, both {len(both)}; "
                  f"mean best Tanimoto on both: GDCE {mean(g):.3f}, mutate {mean(m):.3f}; wins GDCE {wins[0]}, mutate {wins[1]}, ties {len(both) - sum(wins)}")


if __name__ == "__main__":
    main()
