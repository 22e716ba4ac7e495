#!/usr/bin/env python3
"""RDKit reference values for cfx's SMARTS matcher, QED and the MOSES medicinal-chemistry filters.

Usage (RDKit 2026.09.1, the molsets 0.3.1 wheel as for scripts/chem-reference.py):
  ~/.cache/cfx/venv-rdkit/bin/python scripts/smarts-reference.py

Molecules: molecules/zinc-subset.smi (4,002 MOSES test molecules) plus the extra set this script
writes to molecules/reference/smarts-extra.smi: 400 further MOSES test molecules (rows 22 + 440k),
the RDKit-valid edited molecules of molecules/reference/validity-rdkit.csv (generated-looking
molecules, many of which fail the filters) and a few drugs and charged, isotopic or macrocyclic
molecules listed below.

Writes
  molecules/reference/smarts-extra.smi      SMILES<TAB>name
  molecules/reference/smarts-rdkit.tsv      pattern table, then per molecule the nonzero counts
                                            of unique matches (GetSubstructMatches, uniquify=True)
                                            of every pattern (every 4th zinc-subset molecule and
                                            all extra molecules, to keep the file small)
  molecules/reference/qed-rdkit.tsv         per molecule: QED (rdkit.Chem.QED.qed) and its eight
                                            properties, MOSES filter verdict and failing filters

Pattern tables: RDKit's QED structural alerts (116), QED acceptors (11), QED's aliphatic-ring
pattern, Lipinski NumHDonors and strict rotatable bonds (SMARTS compiled into RDKit's
Descriptors library; checked here to give CalcNumHBD and CalcNumRotatableBonds(Strict) exactly),
matched on the molecule without hydrogen atoms; MOSES MCF (22) and PAINS (478) matched on
Chem.AddHs(mol) as moses.metrics.utils.mol_passes_filters does.
"""
import csv, gzip, hashlib, io, os, re, sys, zipfile

import rdkit
from rdkit import Chem, RDLogger
from rdkit.Chem import QED
from rdkit.Chem import rdMolDescriptors as rdmd

RDLogger.DisableLog("rdApp.*")
WHEEL = os.path.expanduser("~/.cache/cfx/molsets/molsets-0.3.1-py3-none-any.whl")
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
REF = os.path.join(ROOT, "molecules", "reference")

HBD_SMARTS = "[N&!H0&v3,N&!H0&+1&v4,O&H1&+0,S&H1&+0,n&H1&+0]"
ROTATABLE_STRICT_SMARTS = (
    "[!$(*#*)&!D1&!$(C(F)(F)F)&!$(C(Cl)(Cl)Cl)&!$(C(Br)(Br)Br)&!$(C([CH3])([CH3])[CH3])&!$([CH3])"
    "&!$([CD3](=[N,O,S])-!@[#7,O,S!D1])&!$([#7,O,S!D1]-!@[CD3]=[N,O,S])&!$([CD3](=[N+])-!@[#7!D1])"
    "&!$([#7!D1]-!@[CD3]=[N+])]-,:;!@[!$(*#*)&!D1&!$(C(F)(F)F)&!$(C(Cl)(Cl)Cl)&!$(C(Br)(Br)Br)"
    "&!$(C([CH3])([CH3])[CH3])&!$([CH3])]")

DRUGS = [
    ("CC(=O)Oc1ccccc1C(=O)O", "aspirin"), ("Cn1cnc2c1c(=O)n(C)c(=O)n2C", "caffeine"),
    ("CC(C)Cc1ccc(C(C)C(=O)O)cc1", "ibuprofen"), ("CC(=O)Nc1ccc(O)cc1", "paracetamol"),
    ("CC1(C)SC2C(NC(=O)Cc3ccccc3)C(=O)N2C1C(=O)O", "penicillin-g"),
    ("CN(C)CCCN1c2ccccc2Sc2ccc(Cl)cc21", "chlorpromazine"),
    ("CC12CCC3C(CCC4=CC(=O)CCC34C)C1CCC2O", "testosterone"), ("NCCc1ccc(O)c(O)c1", "dopamine"),
    ("Cc1ccc(-c2cc(C(F)(F)F)nn2-c2ccc(S(N)(=O)=O)cc2)cc1", "celecoxib"),
    ("CCCc1nc(C)c2c(=O)[nH]c(-c3cc(S(=O)(=O)N4CCN(C)CC4)ccc3OCC)nn12", "sildenafil"),
    ("Cc1ccc(NC(=O)c2ccc(CN3CCN(C)CC3)cc2)cc1Nc1nccc(-c2cccnc2)n1", "imatinib"),
    ("CC(C)c1c(C(=O)Nc2ccccc2)c(-c2ccccc2)c(-c2ccc(F)cc2)n1CCC(O)CC(O)CC(=O)O", "atorvastatin"),
    ("CN1CCC23c4c5ccc(O)c4OC2C(O)C=CC3C1C5", "morphine"), ("CN(C)C(=N)N=C(N)N", "metformin"),
    ("O=[N+]([O-])c1ccccc1", "nitrobenzene"), ("C[N+](C)(C)CCO", "choline"),
    ("CC(=O)[O-].[Na+]", "sodium-acetate"), ("NCC(=O)O", "glycine"), ("[NH3+]CC(=O)[O-]", "glycine-zwitterion"),
    ("c1ccc2ccccc2c1", "naphthalene"), ("c1ccc2cc3ccccc3cc2c1", "anthracene"), ("c1ccc2c(c1)Cc1ccccc1-2", "fluorene"),
    ("C1CCCCCCC1", "cyclooctane"), ("C1CCCCCCCCCCC1", "cyclododecane"), ("[13CH3]c1ccccc1", "toluene-13c"),
    ("[2H]C([2H])([2H])Oc1ccccc1", "anisole-d3"), ("OCC1OC(O)C(O)C(O)C1O", "glucose"),
    ("O=C1C=CC(=O)C=C1", "benzoquinone"), ("C=CC(=O)OC", "methyl-acrylate"), ("ClC(Cl)(Cl)Cl", "ccl4"),
    ("FC(F)(F)C(F)(F)C(F)(F)C(F)(F)F", "perfluorobutane"), ("BrCC(Br)CBr", "tribromopropane"),
    ("CC(=O)Cl", "acetyl-chloride"), ("C=CCl", "vinyl-chloride"), ("OC=C", "vinyl-alcohol"),
    ("CN=C=O", "methyl-isocyanate"), ("CC=NO", "acetaldoxime"), ("CCSSCC", "diethyl-disulfide"),
    ("c1ccc(N=Nc2ccccc2)cc1", "azobenzene"), ("NNc1ccccc1", "phenylhydrazine"), ("O=C1CCC(=O)N1Br", "nbs"),
    ("CS(=O)(=O)OC", "methyl-mesylate"), ("C1CO1", "ethylene-oxide"), ("C1CN1", "aziridine"),
    ("S=C(N)N", "thiourea"), ("c1ccc(P(c2ccccc2)c2ccccc2)cc1", "triphenylphosphine"), ("ICCI", "diiodoethane"),
    ("O=S(=O)([O-])c1ccccc1", "benzenesulfonate"), ("C[n+]1ccccc1", "methylpyridinium"),
    ("[O-][n+]1ccccc1", "pyridine-n-oxide"), ("N#Cc1ccccc1C#N", "phthalonitrile"),
    ("O=C(O)CCC(=O)O", "succinic-acid"), ("C#CC(=O)c1ccccc1", "ynone"), ("O=Cc1ccccc1", "benzaldehyde"),
    ("Oc1ccc(O)cc1", "hydroquinone"), ("Nc1ccccc1", "aniline"), ("c1ccc2c(c1)oc(=O)cc2", "coumarin"),
    ("C1=CC=CC=CC=C1", "cyclooctatetraene"), ("O=C1NC(=O)C(=O)N1", "parabanic-acid"),
    ("CC1=C(C)C(=O)C(C)=C(C)C1=O", "duroquinone"), ("c1cc2ccc3cccc4ccc(c1)c2c34", "pyrene"),
    ("C[Si](C)(C)Cl", "tmscl"), ("OB(O)c1ccccc1", "phenylboronic-acid"), ("[Se]1C=CC=C1", "selenophene-kekule"),
    ("c1cc[se]c1", "selenophene"), ("CCOP(=O)(OCC)OCC", "triethyl-phosphate"),
    ("CC1CC2C3CCC4=CC(=O)C=CC4(C)C3(F)C(O)CC2(C)C1(O)C(=O)CO", "dexamethasone"),
    ("CCN(CC)CCNC(=O)c1ccc(N)cc1", "procainamide"), ("c1ccc(cc1)C(c1ccccc1)(c1ccccc1)O", "triphenylmethanol"),
]


def moses_tables():
    """The MCF and PAINS tables exactly as moses.metrics.utils reads them (names, SMARTS)."""
    with zipfile.ZipFile(WHEEL) as z:
        mcf_text = z.read("moses/metrics/mcf.csv").decode()
        pains_text = z.read("moses/metrics/wehi_pains.csv").decode()
    mcf = [(r["names"], r["smarts"]) for r in csv.DictReader(io.StringIO(mcf_text))]
    pains = []
    for smarts, name in csv.reader(io.StringIO(pains_text)):
        # Each SMARTS field is padded with spaces after its closing quote; RDKit reads text after
        # whitespace as a name, so the pattern is the text before it.
        pains.append((re.fullmatch(r"<regId=(.*)>", name.strip()).group(1), smarts.strip()))
    return mcf, pains, mcf_text, pains_text


def molecule_sets():
    zinc = [line.split("\t") for line in open(os.path.join(ROOT, "molecules", "zinc-subset.smi")).read().split("\n") if line]
    with zipfile.ZipFile(WHEEL) as z:
        raw = z.read("moses/dataset/data/test.csv.gz")
    test = list(csv.DictReader(io.TextIOWrapper(gzip.GzipFile(fileobj=io.BytesIO(raw)))))
    extra = [(test[i]["SMILES"], f"moses-test-{i}") for i in range(22, len(test), 440)][:400]
    with open(os.path.join(REF, "validity-rdkit.csv")) as f:
        for k, row in enumerate(csv.DictReader(f)):
            if row["rdkit_valid"] == "1":
                extra.append((row["smiles"], f"edited-{k}-{row['edit']}"))
    extra += DRUGS
    return [(s, n) for s, n in zinc], extra


def passes_filters(mol, filters):
    """moses.metrics.utils.mol_passes_filters with the reasons it fails (empty when it passes)."""
    reasons = []
    if any(len(r) >= 8 for r in mol.GetRingInfo().AtomRings()):
        reasons.append("ring>=8")
    if any(a.GetFormalCharge() != 0 for a in mol.GetAtoms()):
        reasons.append("charge")
    allowed = {"C", "N", "S", "O", "F", "Cl", "Br", "H"}
    for symbol in sorted({a.GetSymbol() for a in mol.GetAtoms()} - allowed):
        reasons.append(f"atom:{symbol}")
    h_mol = Chem.AddHs(mol)
    reasons += [name for name, q in filters if h_mol.HasSubstructMatch(q)]
    return reasons


def main():
    mcf, pains, _, _ = moses_tables()
    patterns = []  # (id, hydrogens, smarts)
    patterns += [(f"qed-alert-{i}", "implicit", s) for i, s in enumerate(QED.StructuralAlertSmarts)]
    patterns += [(f"qed-acceptor-{i}", "implicit", s) for i, s in enumerate(QED.AcceptorSmarts)]
    patterns.append(("qed-aliphatic-rings", "implicit", "[$([A;R][!a])]"))
    patterns.append(("lipinski-hbd", "implicit", HBD_SMARTS))
    patterns.append(("rotatable-strict", "implicit", ROTATABLE_STRICT_SMARTS))
    patterns += [(f"mcf-{name}", "explicit", s) for name, s in mcf]
    patterns += [(f"pains-{name}", "explicit", s) for name, s in pains]
    queries = [Chem.MolFromSmarts(s) for _, _, s in patterns]
    assert all(q is not None for q in queries)
    filters = [(name, Chem.MolFromSmarts(s)) for name, s in mcf + pains]

    zinc, extra = molecule_sets()
    kept_extra = []
    count_lines, qed_lines = [], []
    hbd = patterns.index(next(p for p in patterns if p[0] == "lipinski-hbd"))
    rot = patterns.index(next(p for p in patterns if p[0] == "rotatable-strict"))
    for k, (smiles, name) in enumerate(zinc + extra):
        is_extra = k >= len(zinc)
        mol = Chem.MolFromSmiles(smiles)
        if mol is None:
            continue
        if is_extra:
            kept_extra.append((smiles, name))
        h_mol = Chem.AddHs(mol)
        props = QED.properties(mol)
        reasons = passes_filters(mol, filters)
        qed_lines.append("\t".join([name, f"{QED.qed(mol):.6f}", f"{props.MW:.4f}", f"{props.ALOGP:.4f}",
                                    str(props.HBA), str(props.HBD), f"{props.PSA:.4f}", str(props.ROTB),
                                    str(props.AROM), str(props.ALERTS), "pass" if not reasons else "fail",
                                    ",".join(reasons)]))
        counts = []
        for index, ((pid, hydrogens, _), q) in enumerate(zip(patterns, queries)):
            target = h_mol if hydrogens == "explicit" else mol
            n = len(target.GetSubstructMatches(q, uniquify=True, maxMatches=10**6))
            if index == hbd:
                assert n == rdmd.CalcNumHBD(mol), (smiles, n)
            if index == rot:
                assert n == rdmd.CalcNumRotatableBonds(mol, rdmd.NumRotatableBondsOptions.Strict), (smiles, n)
            if n:
                counts.append(f"{index}:{n}")
        if is_extra or k % 4 == 0:
            count_lines.append(f"{name}\t{','.join(counts)}")

    header = [f"# RDKit {rdkit.__version__} SMARTS match counts (unique matches, GetSubstructMatches uniquify=True).",
              "# Made by: ~/.cache/cfx/venv-rdkit/bin/python scripts/smarts-reference.py",
              "# Molecules: every 4th of molecules/zinc-subset.smi, then molecules/reference/smarts-extra.smi.",
              "# Patterns: 'pattern<TAB>index<TAB>id<TAB>hydrogens<TAB>smarts' (hydrogens: implicit = molecule as",
              "# parsed, explicit = Chem.AddHs). Counts: 'name<TAB>index:count,...' listing nonzero counts only."]
    table = [f"pattern\t{i}\t{pid}\t{h}\t{s}" for i, (pid, h, s) in enumerate(patterns)]
    body = "\n".join(table + count_lines)
    digest = hashlib.sha256(body.encode()).hexdigest()[:16]
    with open(os.path.join(REF, "smarts-rdkit.tsv"), "w") as f:
        f.write("\n".join(header + [f"# sha256 of the lines below (first 16 hex): {digest}", body]) + "\n")
    with open(os.path.join(REF, "smarts-extra.smi"), "w") as f:
        f.write("".join(f"{s}\t{n}\n" for s, n in kept_extra))
    with open(os.path.join(REF, "qed-rdkit.tsv"), "w") as f:
        f.write(f"# RDKit {rdkit.__version__} rdkit.Chem.QED (qed = weights mean) and MOSES 0.3.1 mol_passes_filters.\n")
        f.write("# Made by: ~/.cache/cfx/venv-rdkit/bin/python scripts/smarts-reference.py\n")
        f.write("# Molecules: molecules/zinc-subset.smi, then molecules/reference/smarts-extra.smi.\n")
        f.write("name\tqed\tmw\talogp\thba\thbd\tpsa\trotb\tarom\talerts\tmoses\tfailing\n")
        f.write("\n".join(qed_lines) + "\n")
    print(f"{len(zinc)} + {len(kept_extra)} molecules, {len(patterns)} patterns, "
          f"{len(count_lines)} count lines, RDKit {rdkit.__version__}", file=sys.stderr)


if __name__ == "__main__":
    main()
