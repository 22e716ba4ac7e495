#!/usr/bin/env python3
"""Converts RDKit's SA-score fragment table into cfx's compact generated Swift source.

Usage:
  pip install rdkit==2026.9.1        (into ~/.cache/cfx/venv-rdkit)
  ~/.cache/cfx/venv-rdkit/bin/python scripts/sa-fragment-table.py

Input: rdkit/Contrib/SA_Score/fpscores.pkl.gz of the installed RDKit (Ertl & Schuffenhauer 2009 fragment
contributions as published with RDKit's Contrib; Copyright (c) 2013 Novartis Institutes for BioMedical
Research Inc., BSD 3-clause licence, reproduced in the generated file). The pickle is a list of
[score, id, id, ...] groups: every unfolded Morgan radius-2 environment id of a group has that score.

Output: Sources/Chemistry/SyntheticAccessibilityFragments.swift, one StaticString holding the table as a
base64 bit stream (MSB first, 6 bits per character, newlines ignored):
  groups: 16 bits
  per group: score x 10000 as 16-bit two's complement, id count (20 bits), Rice parameter k (5 bits),
             then the group's ids in ascending order as Rice-coded gaps (first gap from 0):
             quotient gap >> k in unary (that many 1 bits, then a 0), remainder in k bits.
The script decodes its own output and checks it equals the pickle before writing.
"""
import gzip, math, os, pickle, sys

import rdkit

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
SOURCE = os.path.join(os.path.dirname(rdkit.__file__), "Contrib", "SA_Score", "fpscores.pkl.gz")
OUT = os.path.join(ROOT, "Sources", "Chemistry", "SyntheticAccessibilityFragments.swift")
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
LICENCE = """\
Copyright (c) 2013, Novartis Institutes for BioMedical Research Inc.
All rights reserved.

Redistribution and use in source and binary forms, with or without
modification, are permitted provided that the following conditions are
met:

    * Redistributions of source code must retain the above copyright
      notice, this list of conditions and the following disclaimer.
    * Redistributions in binary form must reproduce the above
      copyright notice, this list of conditions and the following
      disclaimer in the documentation and/or other materials provided
      with the distribution.
    * Neither the name of Novartis Institutes for BioMedical Research Inc.
      nor the names of its contributors may be used to endorse or promote
      products derived from this software without specific prior written permission.

THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS
"AS IS" AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT
LIMITED TO, THE IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR
A PARTICULAR PURPOSE ARE DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT
OWNER OR CONTRIBUTORS BE LIABLE FOR ANY DIRECT, INDIRECT, INCIDENTAL,
SPECIAL, EXEMPLARY, OR CONSEQUENTIAL DAMAGES (INCLUDING, BUT NOT
LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR SERVICES; LOSS OF USE,
DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER CAUSED AND ON ANY
THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY, OR TORT
(INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE."""


class BitWriter:
    def __init__(self):
        self.bits = []

    def put(self, value, width):
        if width > 0:
            self.bits.append(format(value, f"0{width}b"))

    def base64(self):
        bits = "".join(self.bits) + "0" * (-len(self.bits) % 6)
        return "".join(ALPHABET[int(bits[i:i + 6], 2)] for i in range(0, len(bits), 6))


class BitReader:
    def __init__(self, text):
        index = {c: i for i, c in enumerate(ALPHABET)}
        self.bits = "".join(f"{index[c]:06b}" for c in text)
        self.position = 0

    def get(self, width):
        if width == 0:
            return 0
        self.position += width
        return int(self.bits[self.position - width:self.position], 2)


def rice_parameter(gaps):
    mean = sum(gaps) / len(gaps)
    return max(0, int(math.log2(max(mean * math.log(2), 1))))


def encode(groups):
    w = BitWriter()
    w.put(len(groups), 16)
    for score, ids in groups:
        w.put(score & 0xFFFF, 16)
        w.put(len(ids), 20)
        previous, gaps = 0, []
        for i in ids:
            gaps.append(i - previous)
            previous = i
        k = rice_parameter(gaps)
        w.put(k, 5)
        for gap in gaps:
            w.put((1 << ((gap >> k) + 1)) - 2, (gap >> k) + 1)  # quotient ones, then a zero
            w.put(gap & ((1 << k) - 1), k)
    return w.base64()


def decode(text):
    r = BitReader(text)
    table = {}
    for _ in range(r.get(16)):
        score = r.get(16)
        score = score - 0x10000 if score >= 0x8000 else score
        count, k, previous = r.get(20), r.get(5), 0
        for _ in range(count):
            q = 0
            while r.get(1):
                q += 1
            previous += (q << k) | r.get(k)
            table[previous] = score
    return table


def main():
    data = pickle.load(gzip.open(SOURCE))
    groups, expected = [], {}
    for row in data:
        score = round(row[0] * 10000)
        assert score / 10000 == row[0], f"score {row[0]} has more than 4 decimals"
        ids = sorted(row[1:])
        groups.append((score, ids))
        for i in ids:
            assert i not in expected, f"id {i} in two groups"
            expected[i] = score
    text = encode(groups)
    assert decode(text) == expected, "round trip failed"
    lines = [text[i:i + 4096] for i in range(0, len(text), 4096)]  # long lines: a data blob, not code
    licence = "\n".join(("//   " + line).rstrip() for line in LICENCE.split("\n"))
    with open(OUT, "w") as f:
        f.write(f"""// The Ertl–Schuffenhauer SA-score fragment contributions: {len(expected):,} unfolded Morgan radius-2
// environment ids (RDKit ids) in {len(groups):,} score groups. Generated by scripts/sa-fragment-table.py
// from rdkit/Contrib/SA_Score/fpscores.pkl.gz of RDKit {rdkit.__version__}; do not edit.
//
// Source: P. Ertl and A. Schuffenhauer, "Estimation of synthetic accessibility score of drug-like
// molecules based on molecular complexity and fragment contributions", J. Cheminform. 1, 8 (2009),
// fragment table as shipped in RDKit's Contrib/SA_Score (Peter Ertl and Greg Landrum), under this licence:
//
{licence}
//
// Encoding (decoded by `SAFragmentTable`): base64 (A–Z a–z 0–9 + /, newlines ignored) of a bit stream,
// most significant bit first: the group count (16 bits); per group the score × 10000 (16-bit two's
// complement), the id count (20 bits) and a Rice parameter k (5 bits), then the ascending ids as gaps
// from the previous id (the first from 0), each as gap >> k in unary (that many 1 bits, then a 0)
// followed by the low k bits.

/// The encoded fragment table (see the file header for the format).
let saFragmentTableEncoded: StaticString = \"\"\"
""")
        f.write("\n".join(lines))
        f.write('\n"""\n')
    print(f"{len(expected)} ids, {len(groups)} groups, {len(text)} characters -> {OUT}")


if __name__ == "__main__":
    sys.exit(main())
