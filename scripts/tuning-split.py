#!/usr/bin/env python3
"""Write the MOSES test split without the inputs an evaluation drew, for tuning on other molecules.

Usage:
  python3 scripts/tuning-split.py TEST.jsonl EVAL_OUT/counterfactuals.csv OUT.jsonl

`cfx eval molecules` names each input `test-LINE` (its 0-based line in the test file). Every
line named in the CSV's input_name column is left out; the rest is copied unchanged, so
`cfx eval molecules --test OUT.jsonl` draws tuning inputs the evaluation never saw. Standard
library only.
"""
import csv
import os
import sys


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    test, drawn_csv, out = sys.argv[1:]
    drawn = set()
    with open(drawn_csv, newline="") as f:
        for row in csv.DictReader(f):
            name = row["input_name"]
            if not name.startswith("test-") or not name[5:].isdigit():
                sys.exit(f"{drawn_csv}: input_name {name!r} is not test-LINE; was the run drawn from a test file?")
            drawn.add(int(name[5:]))
    kept = 0
    with open(test) as f, open(out + ".tmp", "w") as o:
        for i, line in enumerate(f):
            if i not in drawn:
                o.write(line)
                kept += 1
    os.replace(out + ".tmp", out)
    print(f"{out}: {kept} molecules, {len(drawn)} evaluation inputs left out")


if __name__ == "__main__":
    main()
