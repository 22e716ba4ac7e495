#!/usr/bin/env python3
"""Recomputes a `cfx eval planar` run from its graphs alone, with networkx and numpy.

Usage:
  python3 -m venv ~/.cache/cfx/checkvenv && ~/.cache/cfx/checkvenv/bin/pip install networkx numpy scipy
  ~/.cache/cfx/checkvenv/bin/python scripts/check-planar-eval.py DIR [--ged-pairs 3000] [--seed 0]
  ~/.cache/cfx/checkvenv/bin/python scripts/check-planar-eval.py \
      --rows notebooks-export/planar-eval.rows.csv.gz --summary notebooks-export/planar-eval.summary.json

DIR holds rows.csv and summary.json of `cfx eval planar --out DIR` (or give the two files; the
rows may be gzipped, as the copy shipped in notebooks-export/ is). For every row the script
decodes both graph6 strings, recomputes the edge counts, connectivity and planarity (networkx),
and compares them with the row. For a seeded random sample of distinct (input, counterfactual)
pairs it recomputes the graph edit distance exactly: with equal node counts and unit costs, the
GED of unlabelled graphs is the least symmetric edge difference over all node permutations
(8! = 40,320 for the planar set, all enumerated with numpy); a few pairs are also checked with
networkx.graph_edit_distance. Finally it recomputes every number of summary.json from the
rows (validity, accuracy, mean GED, the non-tree and best-of-K views) and prints the largest
difference. Exit status 1 on any disagreement.
"""
import argparse, csv, gzip, itertools, json, math, os, random, sys

import networkx as nx
import numpy as np


def decode(g6, cache):
    graph = cache.get(g6)
    if graph is None:
        graph = nx.from_graph6_bytes(g6.encode())
        cache[g6] = graph
    return graph


def adjacency(graph, n):
    a = np.zeros((n, n), dtype=np.int8)
    for u, v in graph.edges():
        a[u, v] = a[v, u] = 1
    return a


def exact_ged(a, b, permutations):
    """min over permutations p of |A - B[p][:, p]| / 2 (edge insertions plus deletions)."""
    best = None
    for chunk in np.array_split(permutations, max(1, len(permutations) // 8192)):
        permuted = b[chunk[:, :, None], chunk[:, None, :]]          # (P, n, n)
        diff = np.abs(permuted - a[None]).sum(axis=(1, 2)) // 2
        m = int(diff.min())
        best = m if best is None else min(best, m)
    return best


def columns(rows, is_tree):
    keys = sorted({(r["method"], int(r["tau"])) for r in rows}, key=lambda k: (k[0] != "gdce", k[1]))
    out = {}
    for method, tau in keys:
        part = [r for r in rows if r["method"] == method and int(r["tau"]) == tau]
        valid = [r for r in part if r["valid"]]
        accurate = [r for r in valid if r["target_met"]]
        non_tree = [r for r in part if not is_tree[r["original_graph6"]]]
        non_tree_valid = [r for r in non_tree if r["valid"]]
        mean = lambda xs: sum(xs) / len(xs) if xs else float("nan")
        best = {}
        for r in non_tree:
            if r["valid"] and r["target_met"]:
                i = r["input_id"]
                best[i] = min(best.get(i, math.inf), r["ged"])
        inputs = {r["input_id"] for r in non_tree}
        out[(method, tau)] = {
            "samples": len(part),
            "validity": len(valid) / len(part),
            "accuracy": len(accurate) / len(valid) if valid else float("nan"),
            "meanGED": mean([r["ged"] for r in valid]),
            "meanGEDValidAccurate": mean([r["ged"] for r in accurate]),
            "nonTreeValidity": len(non_tree_valid) / len(non_tree) if non_tree else float("nan"),
            "nonTreeAccuracy": (sum(r["target_met"] for r in non_tree_valid) / len(non_tree_valid)) if non_tree_valid else float("nan"),
            "nonTreeMeanGED": mean([r["ged"] for r in non_tree_valid]),
            "bestOfKInputs": len(inputs),
            "bestOfKSuccess": len(best) / len(inputs) if inputs else float("nan"),
            "bestOfKMeanGED": mean(list(best.values())),
        }
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("directory", nargs="?", help="output directory of cfx eval planar")
    parser.add_argument("--rows", help="rows.csv (or .csv.gz) instead of DIR/rows.csv")
    parser.add_argument("--summary", help="summary.json instead of DIR/summary.json")
    parser.add_argument("--ged-pairs", type=int, default=3000, help="distinct pairs whose GED is recomputed exactly")
    parser.add_argument("--networkx-pairs", type=int, default=10, help="pairs also checked with networkx.graph_edit_distance")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if not args.directory and not (args.rows and args.summary):
        parser.error("give DIR or both --rows and --summary")
    rows_path = args.rows or os.path.join(args.directory, "rows.csv")
    opener = gzip.open if rows_path.endswith(".gz") else open
    with opener(rows_path, "rt", newline="") as f:
        raw = list(csv.DictReader(f))
    with open(args.summary or os.path.join(args.directory, "summary.json")) as f:
        summary = json.load(f)
    cache, problems = {}, []
    rows = []
    for line, r in enumerate(raw, start=2):
        original = decode(r["original_graph6"], cache)
        counterfactual = decode(r["counterfactual_graph6"], cache)
        connected = counterfactual.number_of_nodes() > 0 and nx.is_connected(counterfactual)
        planar = nx.check_planarity(counterfactual)[0]
        facts = {
            "original_edges": original.number_of_edges(), "counterfactual_edges": counterfactual.number_of_edges(),
            "connected": connected, "planar": planar, "valid": connected and planar,
            "target_met": counterfactual.number_of_edges() == int(r["target_edges"]),
        }
        for key, value in facts.items():
            written = r[key] == "true" if isinstance(value, bool) else int(r[key])
            if written != value:
                problems.append(f"{rows_path}:{line}: {key} is {r[key]}, networkx says {value}")
        rows.append({
            "input_id": int(r["input_id"]), "method": r["method"], "tau": r["tau"], "original_graph6": r["original_graph6"],
            "counterfactual_graph6": r["counterfactual_graph6"], "valid": facts["valid"], "target_met": facts["target_met"],
            "ged": int(r["ged"]),
        })
    print(f"rows: {len(rows)} checked (edges, connectivity, planarity, target); {len(problems)} disagreements")

    pairs = sorted({(r["original_graph6"], r["counterfactual_graph6"], r["ged"]) for r in rows})
    rng = random.Random(args.seed)
    sample = rng.sample(pairs, min(args.ged_pairs, len(pairs)))
    permutation_cache = {}
    for k, (g, h, written) in enumerate(sample):
        a, b = decode(g, cache), decode(h, cache)
        n = a.number_of_nodes()
        if b.number_of_nodes() != n:
            problems.append(f"GED {g} -> {h}: node counts differ ({n} vs {b.number_of_nodes()}); not checked")
            continue
        if n not in permutation_cache:
            permutation_cache[n] = np.array(list(itertools.permutations(range(n))), dtype=np.int64)
        exact = exact_ged(adjacency(a, n), adjacency(b, n), permutation_cache[n])
        if exact != written:
            problems.append(f"GED {g} -> {h}: written {written}, exact {exact}")
        if k < args.networkx_pairs:
            reference = nx.graph_edit_distance(a, b, node_subst_cost=lambda x, y: 0, node_del_cost=lambda x: 1, node_ins_cost=lambda x: 1)
            if reference != exact:
                problems.append(f"GED {g} -> {h}: permutations {exact}, networkx {reference}")
    print(f"GED: {len(sample)} of {len(pairs)} distinct pairs recomputed exactly ({min(args.networkx_pairs, len(sample))} also with networkx)")

    is_tree = {g: nx.is_tree(decode(g, cache)) for g in {r["original_graph6"] for r in rows}}
    recomputed = columns(rows, is_tree)
    worst = 0.0
    for column in summary["columns"]:
        mine = recomputed.get((column["method"], int(column["tau"])))
        if mine is None:
            problems.append(f"summary column {column['method']} tau {column['tau']}: no rows")
            continue
        for key, value in mine.items():
            theirs = column.get(key)
            if theirs is None:
                continue
            theirs = float(theirs) if not isinstance(theirs, str) else float("nan")
            if math.isnan(value) and math.isnan(theirs):
                continue
            difference = abs(value - theirs)
            worst = max(worst, difference)
            if difference > 1e-9:
                problems.append(f"summary {column['method']} tau {column['tau']} {key}: cfx {theirs}, recomputed {value}")
    print(f"summary: {len(summary['columns'])} columns recomputed from the rows; largest difference {worst:.3g}")
    for p in problems[:50]:
        print("DISAGREES:", p)
    if len(problems) > 50:
        print(f"... and {len(problems) - 50} more")
    print("OK" if not problems else f"{len(problems)} disagreements")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
