#!/usr/bin/env python3
"""Recompute every number of a `cfx explain --oracle` run from the files it wrote, independently:
the oracle's answers (the command recorded in counterfactuals.json is run again on every SMILES),
validity (RDKit parses it), Tanimoto (RDKit Morgan radius 2, 2048 bits), the evaluation budget,
and realism (MOSES filters, SA, QED, the unstable-group alerts of scripts/drug-sized-eval.py).

Usage (RDKit 2026.09.1 in the Python that runs this; the molsets 0.3.1 wheel for the MOSES
filters' SMARTS):
    python3 scripts/check-oracle-explain.py OUT MOLSETS_WHEEL [--similarity 0.5]
Prints JSON: agreement checks (each must be true) and, per input that needed a counterfactual,
whether cfx found a valid answer in target at Tanimoto >= --similarity within the budget; the
success rate over those inputs and the realism of the best answers.
"""
import csv, io, json, os, subprocess, sys, zipfile

from rdkit import Chem, DataStructs, RDLogger
from rdkit.Chem import QED, RDConfig, rdFingerprintGenerator

RDLogger.DisableLog("rdApp.*")
sys.path.append(os.path.join(RDConfig.RDContribDir, "SA_Score"))
sys.path.append(os.path.dirname(os.path.abspath(__file__)))
import sascorer  # noqa: E402
import importlib.util  # noqa: E402

spec = importlib.util.spec_from_file_location("drug_sized", os.path.join(os.path.dirname(os.path.abspath(__file__)), "drug-sized-eval.py"))
drug_sized = importlib.util.module_from_spec(spec)
spec.loader.exec_module(drug_sized)
GENERATOR = rdFingerprintGenerator.GetMorganGenerator(radius=2, fpSize=2048)


def moses_filters(wheel):
    z = zipfile.ZipFile(wheel)
    patterns = []
    for name in ("moses/metrics/mcf.csv", "moses/metrics/wehi_pains.csv"):
        rows = list(csv.reader(io.TextIOWrapper(z.open(name))))
        # mcf.csv: header "names,smarts"; wehi_pains.csv: no header, "smarts,<regId=…>".
        patterns += [Chem.MolFromSmarts(r[1].strip()) for r in rows[1:]] if name.endswith("mcf.csv") else [Chem.MolFromSmarts(r[0].strip()) for r in rows if r]
    allowed = {"C", "N", "S", "O", "F", "Cl", "Br", "H"}

    def passes(mol):  # moses.metrics.utils.mol_passes_filters
        if any(len(r) >= 8 for r in mol.GetRingInfo().AtomRings()):
            return False
        if any(a.GetFormalCharge() != 0 or a.GetSymbol() not in allowed for a in mol.GetAtoms()):
            return False
        h = Chem.AddHs(mol)
        return not any(h.HasSubstructMatch(p) for p in patterns)
    return passes


def realism_of(mols, wheel):
    """count, MOSES filter pass, mean SA, mean QED and unstable-group alert rate of `mols`."""
    passes = moses_filters(wheel)
    n = max(len(mols), 1)
    return {"count": len(mols), "moses_filters_pass": sum(passes(m) for m in mols) / n, "sa": sum(sascorer.calculateScore(m) for m in mols) / n,
            "qed": sum(QED.qed(m) for m in mols) / n, "alert_rate": sum(1 for m in mols if drug_sized.alerts(m)) / n}


def ask(command, field, smiles):
    text = "\n".join(smiles) + "\n\n"
    out = subprocess.run(["/bin/sh", "-c", command], input=text, capture_output=True, text=True, check=True).stdout.split("\n")
    values = []
    for line in out[: len(smiles)]:
        line = line.strip()
        values.append(float(json.loads(line)[field]) if line.startswith("{") else float(line))
    return values


def main():
    out, wheel = sys.argv[1], sys.argv[2]
    threshold = float(sys.argv[sys.argv.index("--similarity") + 1]) if "--similarity" in sys.argv else 0.5
    document = json.load(open(os.path.join(out, "counterfactuals.json")))
    rows = list(csv.DictReader(open(os.path.join(out, "counterfactuals.csv"))))
    oracle, budget, target = document.get("oracle"), document.get("budget"), document["target"]
    lower, upper = target.get("lower"), target.get("upper")
    inside = lambda v: (lower is None or v >= lower) and (upper is None or v <= upper)
    # A flip target ("--target flip[:T]") moves each input to the other side of T: at most T for
    # an input above it, at least T otherwise (the document's target is only the threshold).
    flip_at = document.get("flipAt")
    before = {str(i["inputId"]): i.get("propertyBefore") for i in document["inputs"]}
    if flip_at is not None:
        inside_for = lambda ident, v: v <= flip_at if (before.get(ident) or 0) > flip_at else v >= flip_at
    else:
        inside_for = lambda ident, v: inside(v)
    passes = moses_filters(wheel)
    smiles = sorted({r["counterfactual_smiles"] for r in rows if r["counterfactual_smiles"]} | {r["original_smiles"] for r in rows})
    mols = {s: Chem.MolFromSmiles(s) for s in smiles}
    readable = [s for s in smiles if mols[s] is not None]
    values = dict(zip(readable, ask(oracle["command"], oracle.get("field"), readable))) if oracle else {}
    fp = {s: GENERATOR.GetFingerprint(mols[s]) for s in readable}
    checks = {"oracle_values_agree": True, "tanimoto_agrees": True, "within_budget": True, "valid_rows_readable": True}
    best = {}
    for r in rows:
        s, o = r["counterfactual_smiles"], r["original_smiles"]
        if r["valid"] == "true" and mols.get(s) is None:
            checks["valid_rows_readable"] = False
        if budget is not None and r["evaluations"] and int(r["evaluations"]) > budget:
            checks["within_budget"] = False
        if mols.get(s) is None or mols.get(o) is None:
            continue
        if oracle and r["property_after"] != "nan" and abs(values[s] - float(r["property_after"])) > 1e-4:
            checks["oracle_values_agree"] = False
        t = DataStructs.TanimotoSimilarity(fp[s], fp[o])
        if abs(t - float(r["tanimoto"])) > 1e-6:
            checks["tanimoto_agrees"] = False
        if r["status"] != "counterfactual" or r["valid"] != "true":
            continue
        value = values[s] if oracle else float(r["property_after"])
        if inside_for(r["input_id"], value) and (r["input_id"] not in best or t > best[r["input_id"]][1]):
            best[r["input_id"]] = (s, t)
    needing = [i for i in document["inputs"] if i["status"] != "already in target"]
    success = [i for i in needing if str(i["inputId"]) in best and best[str(i["inputId"])][1] >= threshold]
    answers = [Chem.MolFromSmiles(best[k][0]) for k in best]
    inputs = [Chem.MolFromSmiles(i["smiles"]) for i in needing]
    realism = lambda ms: realism_of(ms, wheel)
    evaluations = [i.get("evaluations") or 0 for i in needing]
    print(json.dumps({
        "checks": checks, "inputs_needing": len(needing), "similarity_threshold": threshold,
        "success_at_threshold": len(success) / max(len(needing), 1), "success_any_similarity": len(best) / max(len(needing), 1),
        "mean_best_tanimoto": sum(t for _, t in best.values()) / max(len(best), 1),
        "evaluations_mean": sum(evaluations) / max(len(evaluations), 1), "evaluations_max": max(evaluations, default=0),
        "inputs_realism": realism(inputs), "best_answers_realism": realism(answers),
    }, indent=2))


if __name__ == "__main__":
    main()
