#!/usr/bin/env python3
"""Recomputes a `cfx eval molecules` (or `cfx explain --out`) run from its SMILES, with RDKit.

Usage:
  python3 -m venv ~/.cache/cfx/checkvenv && ~/.cache/cfx/checkvenv/bin/pip install rdkit==2026.9.1
  ~/.cache/cfx/checkvenv/bin/python scripts/check-molecule-eval.py DIR \
      [--train ~/.cache/cfx/data/molecules/train.jsonl] [--window 1.7:3.8] [--realism MOLSETS_WHEEL]

DIR holds counterfactuals.csv (and, for an evaluation, summary.json). For every row RDKit parses
the counterfactual SMILES and recomputes: validity (RDKit sanitisation), logP (Crippen MolLogP),
whether it lies in the window, and the Tanimoto similarity to the original on Morgan radius-2,
2048-bit fingerprints; each is compared with the row. With summary.json and --train, the table is
recomputed from RDKit's values alone (validity, accuracy, mean Tanimoto, uniqueness and novelty on
RDKit canonical SMILES, best-of-K) and printed beside cfx's numbers. Novelty uses the first
`referenceCount` molecules of --train, as the evaluation did. Exit status 1 when a per-row value
disagrees beyond the tolerances (logP 1e-3, Tanimoto 1e-6) or the recomputed table differs from
summary.json by more than --table-tolerance. Rows with a budget must not report more evaluations
than it. With --realism (the molsets 0.3.1 wheel, for the MOSES filters' SMARTS), every column's
best answers, and all its valid answers, are also judged: MOSES filter pass, SA, QED and the unstable-group alert rate
(scripts/check-oracle-explain.py's definitions), beside the inputs', and best-of-K among
realistic hits only (filters passed, no alert) is recomputed and compared; every valid row's SA
(`sa`) and its input's (`sa_before`) are recomputed with RDKit Contrib's sascorer (tolerance 0.05).
"""
import argparse, csv, json, math, os, sys
from collections import defaultdict

from rdkit import Chem, RDLogger
from rdkit.Chem import Crippen, DataStructs, rdFingerprintGenerator

RDLogger.DisableLog("rdApp.*")
GENERATOR = rdFingerprintGenerator.GetMorganGenerator(radius=2, fpSize=2048)


def facts(smiles, cache):
    """(valid, canonical SMILES, logP, fingerprint) by RDKit; invalid → (False, None, nan, None)."""
    if smiles in cache:
        return cache[smiles]
    mol = Chem.MolFromSmiles(smiles) if smiles else None
    result = (False, None, float("nan"), None) if mol is None else (
        True, Chem.MolToSmiles(mol, isomericSmiles=False), Crippen.MolLogP(mol), GENERATOR.GetFingerprint(mol))
    cache[smiles] = result
    return result


def realism(mols):
    """MOSES filter pass, SA, QED and alert rate of molecules (scripts/check-oracle-explain.py)."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("check_oracle", os.path.join(os.path.dirname(os.path.abspath(__file__)), "check-oracle-explain.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.realism_of(mols, sys.argv[sys.argv.index("--realism") + 1])


_REALISTIC = {}
_SA = {}


def accessibility(smiles):
    """Ertl–Schuffenhauer SA of `smiles` by RDKit Contrib's sascorer (cached)."""
    if smiles not in _SA:
        from rdkit.Chem import RDConfig
        sys.path.append(os.path.join(RDConfig.RDContribDir, "SA_Score"))
        import sascorer
        _SA[smiles] = sascorer.calculateScore(Chem.MolFromSmiles(smiles))
    return _SA[smiles]


def is_realistic(canonical):
    """Passes the MOSES filters and carries no alert of scripts/drug-sized-eval.py."""
    if "passes" not in _REALISTIC:
        import importlib.util
        spec = importlib.util.spec_from_file_location("check_oracle", os.path.join(os.path.dirname(os.path.abspath(__file__)), "check-oracle-explain.py"))
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        _REALISTIC["passes"] = module.moses_filters(sys.argv[sys.argv.index("--realism") + 1])
        _REALISTIC["alerts"] = module.drug_sized.alerts
    if canonical not in _REALISTIC:
        mol = Chem.MolFromSmiles(canonical)
        _REALISTIC[canonical] = _REALISTIC["passes"](mol) and not _REALISTIC["alerts"](mol)
    return _REALISTIC[canonical]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("directory")
    parser.add_argument("--train", default=os.path.expanduser("~/.cache/cfx/data/molecules/train.jsonl"))
    parser.add_argument("--window", default="1.7:3.8")
    parser.add_argument("--table-tolerance", type=float, default=0.01)
    parser.add_argument("--realism", help="molsets 0.3.1 wheel: judge the best answers' realism")
    args = parser.parse_args()
    low, high = (float(x) for x in args.window.split(":"))
    path = os.path.join(args.directory, "counterfactuals.csv")
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    cache, problems, notes = {}, [], defaultdict(int)
    checked = []
    for line, r in enumerate(rows, start=2):
        valid, canonical, logp, fp = facts(r["counterfactual_smiles"], cache)
        _, original_canonical, _, original_fp = facts(r["original_smiles"], cache)
        ours_valid = r["valid"] == "true"
        if valid != ours_valid:
            # Differences in what counts as valid are reported, not fatal: RDKit also refuses
            # some aromatic systems it cannot kekulise, which cfx's own rules may accept.
            notes[f"validity: cfx {ours_valid}, RDKit {valid}"] += 1
        # A row the budget left unscored (property NaN) claims nothing about the target: its
        # property is not compared, and it counts as outside the target, as cfx counts it.
        unscored = math.isnan(float(r["property_after"]))
        if unscored:
            notes["unscored (the budget was spent): property not compared, counted outside the target"] += 1
        if valid and ours_valid and not unscored:
            if abs(logp - float(r["property_after"])) > 1e-3:
                problems.append(f"{path}:{line}: logP {r['property_after']}, RDKit {logp:.4f} ({r['counterfactual_smiles']})")
            if (low <= logp <= high) != (r["in_target"] == "true"):
                problems.append(f"{path}:{line}: in_target {r['in_target']}, RDKit logP {logp:.4f}")
            if original_fp is not None:
                t = DataStructs.TanimotoSimilarity(fp, original_fp)
                if abs(t - float(r["tanimoto"])) > 1e-6:
                    problems.append(f"{path}:{line}: tanimoto {r['tanimoto']}, RDKit {t:.6f}")
        if args.realism and valid and ours_valid:
            for column, smiles in (("sa", r["counterfactual_smiles"]), ("sa_before", r["original_smiles"])):
                if r.get(column) and abs(accessibility(smiles) - float(r[column])) > 0.05:
                    problems.append(f"{path}:{line}: {column} {r[column]}, RDKit {accessibility(smiles):.3f} ({smiles})")
        if r.get("budget") and r.get("evaluations") and int(r["evaluations"]) > int(r["budget"]):
            problems.append(f"{path}:{line}: {r['evaluations']} evaluations over the budget {r['budget']}")
        checked.append({
            "input": int(r["input_id"]), "key": (r["method"], int(r["tau"]), float(r.get("steering") or 0), int(r["budget"]) if r.get("budget") else None), "valid": valid,
            "in": valid and not unscored and low <= logp <= high, "canonical": canonical, "identity": valid and canonical == original_canonical,
            "tanimoto": DataStructs.TanimotoSimilarity(fp, original_fp) if valid and original_fp is not None else float("nan"),
        })
    print(f"rows: {len(rows)} checked with RDKit (validity, logP, window, Tanimoto{', SA' if args.realism else ''}); {len(problems)} disagreements")
    for note, count in sorted(notes.items()):
        print(f"  {count} rows: {note}")

    summary_path = os.path.join(args.directory, "summary.json")
    if os.path.exists(summary_path):
        with open(summary_path) as f:
            summary = json.load(f)
        reference = set()
        if os.path.exists(args.train):
            with open(args.train) as f:
                for k, line in enumerate(f):
                    if k >= summary["referenceCount"]:
                        break
                    mol = Chem.MolFromSmiles(json.loads(line)["smiles"])
                    if mol is not None:
                        reference.add(Chem.MolToSmiles(mol, isomericSmiles=False))
            print(f"reference: {len(reference)} training molecules canonicalised by RDKit")
        else:
            print(f"reference: {args.train} not found; novelty not recomputed")
        inputs = len({c["input"] for c in checked})
        mean = lambda xs: sum(xs) / len(xs) if xs else float("nan")
        print(f"{'column':<20}{'metric':<22}{'cfx':>9}{'RDKit':>9}")
        for column in summary["columns"]:
            steering = float(column.get("steering", 0))
            part = [c for c in checked if c["key"] == (column["method"], int(column["tau"]), steering, column.get("budget"))]
            valid = [c for c in part if c["valid"]]
            hits = [c for c in valid if c["in"]]
            best = {}
            for c in hits:
                if c["input"] not in best or c["tanimoto"] > best[c["input"]]["tanimoto"]:
                    best[c["input"]] = c
            mine = {
                "validity": len(valid) / len(part) if part else float("nan"),
                "accuracy": len(hits) / len(valid) if valid else float("nan"),
                # Rows that reproduce their input are no counterfactuals: left out of the mean.
                "meanTanimoto": mean([c["tanimoto"] for c in valid if not c["identity"]]),
                "uniqueness": len({c["canonical"] for c in valid}) / len(valid) if valid else float("nan"),
                "bestOfKSuccess": len(best) / inputs if inputs else float("nan"),
                "bestOfKMeanTanimoto": mean([c["tanimoto"] for c in best.values()]),
            }
            if reference:
                mine["novelty"] = mean([0.0 if c["canonical"] in reference else 1.0 for c in valid])
                mine["bestOfKNovelty"] = mean([0.0 if c["canonical"] in reference else 1.0 for c in best.values()])
            name = (column["method"] if column["method"] != "gdce" else f"gdce τ={column['tau']}" + (f" λ={steering:g}" if steering else "")) + (f" B={column['budget']}" if column.get("budget") else "")
            for key, value in mine.items():
                theirs = column.get(key)
                theirs = float(theirs) if theirs is not None and not isinstance(theirs, str) else float("nan")
                print(f"{name:<20}{key:<22}{theirs:>9.3f}{value:>9.3f}")
                if not (math.isnan(value) and math.isnan(theirs)) and abs(value - theirs) > args.table_tolerance:
                    problems.append(f"summary {name} {key}: cfx {theirs:.4f}, RDKit {value:.4f}")
            if args.realism:
                judged = realism([Chem.MolFromSmiles(c["canonical"]) for c in best.values()])
                print(f"{name:<20}{'best answers realism':<22} " + json.dumps({k: round(v, 3) for k, v in judged.items()}))
                # Every answer, not only the best: what a user is handed (valid rows other than the input).
                judged = realism([Chem.MolFromSmiles(c["canonical"]) for c in valid if not c["identity"]])
                print(f"{name:<20}{'all answers realism':<22} " + json.dumps({k: round(v, 3) for k, v in judged.items()}))
                # The closest realistic hit per input (MOSES filters passed, no alert by the
                # independent list), beside cfx's "realistic only" rows. The two alert lists are
                # independent and not identical (scripts/drug-sized-eval.py has six groups; cfx's
                # list also flags e.g. acyl halides, peroxides, thiols), so a difference is printed
                # with the molecules judged differently, not failed.
                realistic_best = {}
                for c in hits:
                    if is_realistic(c["canonical"]) and (c["input"] not in realistic_best or c["tanimoto"] > realistic_best[c["input"]]):
                        realistic_best[c["input"]] = c["tanimoto"]
                for key, value in (("realisticBestSuccess", len(realistic_best) / inputs if inputs else float("nan")),
                                   ("realisticBestMeanTanimoto", mean(list(realistic_best.values())))):
                    theirs = column.get(key)
                    theirs = float(theirs) if theirs is not None and not isinstance(theirs, str) else float("nan")
                    print(f"{name:<20}{key:<22}{theirs:>9.3f}{value:>9.3f}")
                judged_differently = sorted({r["counterfactual_smiles"] for r, c in zip(rows, checked) if c in part and c in hits
                                             and r["alerts"] is not None and is_realistic(c["canonical"]) != (r["alerts"] == "" and r["moses_filters"] == "")})
                if judged_differently:
                    print(f"{name:<20}realism judged differently by the two alert lists ({len(judged_differently)} molecules, e.g.): "
                          + ", ".join(judged_differently[:5]))
        if args.realism:
            originals = {r["input_id"]: r["original_smiles"] for r in rows}
            judged = realism([Chem.MolFromSmiles(s) for s in originals.values()])
            print(f"{'inputs':<20}{'realism':<22} " + json.dumps({k: round(v, 3) for k, v in judged.items()}))
    for p in problems[:50]:
        print("DISAGREES:", p)
    print("OK" if not problems else f"{len(problems)} disagreements")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
