#!/usr/bin/env python3
"""Regenerates Sources/Chemistry/MedicinalChemistryTables.swift and the MOSES filter CSVs.

Usage (RDKit 2026.09.1, molsets 0.3.1 wheel as for scripts/chem-reference.py):
  ~/.cache/cfx/venv-rdkit/bin/python scripts/chem-filter-tables.py

Copies moses/metrics/mcf.csv and moses/metrics/wehi_pains.csv verbatim from the molsets wheel to
molecules/reference/moses-mcf.csv and molecules/reference/moses-wehi-pains.csv (with the wheel's
MIT licence as molecules/reference/MOSES-LICENSE.txt) and writes the Swift table: the MOSES MCF and
PAINS SMARTS with their names, and RDKit's QED structural alerts and acceptor SMARTS
(rdkit.Chem.QED, BSD licence).
"""
import csv, io, os, re, zipfile

from rdkit.Chem import QED

WHEEL = os.path.expanduser("~/.cache/cfx/molsets/molsets-0.3.1-py3-none-any.whl")
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
REF = os.path.join(ROOT, "molecules", "reference")

HEADER = """// Pattern tables of the medicinal-chemistry filters and QED (generated: do not edit).
//
// Regenerate with: ~/.cache/cfx/venv-rdkit/bin/python scripts/chem-filter-tables.py
//
// MOSES filters: moses/metrics/mcf.csv and moses/metrics/wehi_pains.csv of the molsets 0.3.1
// package (D. Polykovskiy et al., "Molecular Sets (MOSES): A Benchmarking Platform for Molecular
// Generation Models", Front. Pharmacol. 11, 565644 (2020)), copied to molecules/reference/ with
// the package's licence: Copyright 2018 Insilico Medicine, Inc, MIT licence (permission is
// granted, free of charge, to deal in the Software without restriction, provided the copyright
// notice and permission notice are included; THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY
// OF ANY KIND). The PAINS SMARTS are the Walter and Eliza Hall Institute (WEHI) translation of
// Baell & Holloway's PAINS (J. Med. Chem. 53, 2719 (2010)).
//
// QED: the structural alerts and hydrogen-bond acceptor SMARTS of rdkit/Chem/QED.py (RDKit
// 2026.09.1; Bickerton et al., "Quantifying the chemical beauty of drugs", Nat. Chem. 4, 90
// (2012)), Copyright (c) 2009-2017 Novartis Institutes for BioMedical Research Inc., BSD licence
// (redistribution in source form must retain the copyright notice, this list of conditions and
// the disclaimer; the software is provided "as is" without warranties).

/// One named SMARTS filter.
struct NamedSMARTS: Sendable {
  let name: String
  let smarts: String
}
"""


def swift_string(s):
    assert '"#' not in s
    return '#"' + s + '"#'


def main():
    with zipfile.ZipFile(WHEEL) as z:
        mcf_bytes = z.read("moses/metrics/mcf.csv")
        pains_bytes = z.read("moses/metrics/wehi_pains.csv")
        licence = z.read("molsets-0.3.1.dist-info/LICENSE")
    for name, data in [("moses-mcf.csv", mcf_bytes), ("moses-wehi-pains.csv", pains_bytes), ("MOSES-LICENSE.txt", licence)]:
        with open(os.path.join(REF, name), "wb") as f:
            f.write(data)
    mcf = [(r["names"], r["smarts"]) for r in csv.DictReader(io.StringIO(mcf_bytes.decode()))]
    pains = []
    for smarts, name in csv.reader(io.StringIO(pains_bytes.decode())):
        # SMARTS fields are padded with spaces after the closing quote; RDKit ignores them.
        pains.append((re.fullmatch(r"<regId=(.*)>", name.strip()).group(1), smarts.strip()))
    lines = [HEADER]
    lines.append("/// MOSES MCF filters (moses/metrics/mcf.csv), in file order.")
    lines.append("let mosesMCFFilters: [NamedSMARTS] = [")
    lines += [f'  NamedSMARTS(name: "{n}", smarts: {swift_string(s)}),' for n, s in mcf]
    lines.append("]\n")
    lines.append("/// MOSES PAINS filters (moses/metrics/wehi_pains.csv), in file order.")
    lines.append("let mosesPAINSFilters: [NamedSMARTS] = [")
    lines += [f'  NamedSMARTS(name: "{n}", smarts: {swift_string(s)}),' for n, s in pains]
    lines.append("]\n")
    lines.append("/// QED's structural alerts (rdkit.Chem.QED.StructuralAlertSmarts), in order.")
    lines.append("let qedStructuralAlerts: [String] = [")
    lines += [f"  {swift_string(s)}," for s in QED.StructuralAlertSmarts]
    lines.append("]\n")
    lines.append("/// QED's hydrogen-bond acceptor SMARTS (rdkit.Chem.QED.AcceptorSmarts), in order.")
    lines.append("let qedAcceptors: [String] = [")
    lines += [f"  {swift_string(s)}," for s in QED.AcceptorSmarts]
    lines.append("]")
    out = os.path.join(ROOT, "Sources", "Chemistry", "MedicinalChemistryTables.swift")
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"{len(mcf)} MCF, {len(pains)} PAINS, {len(QED.StructuralAlertSmarts)} alerts, {len(QED.AcceptorSmarts)} acceptors")


if __name__ == "__main__":
    main()
