#!/usr/bin/env python3
"""Prints the module map (targets, what each depends on, Swift/C lines) as the README's Markdown
table, from `swift package dump-package` and the files under Sources/.
Usage: scripts/module-map.py            (prints the table)
       scripts/module-map.py --check    (exit 1 when README.md's table differs)"""
import json, os, subprocess, sys

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
package = json.loads(subprocess.check_output(["swift", "package", "dump-package"], cwd=root, stderr=subprocess.DEVNULL))
rows = []
for target in package["targets"]:
    if target["type"] not in ("regular", "executable", "system-target"):
        continue
    name = target["name"]
    deps = []
    for d in target.get("dependencies", []):
        kind, value = next(iter(d.items()))
        deps.append(value[0] if kind in ("byName", "target") else value[0])
    folder = os.path.join(root, "Sources", name)
    lines = 0
    for d, _, files in os.walk(folder):
        for f in files:
            if f.endswith((".swift", ".c", ".cpp", ".h")):
                with open(os.path.join(d, f), encoding="utf-8") as handle:
                    lines += sum(1 for _ in handle)
    rows.append(f"| `{name}` | {', '.join(deps) if deps else '—'} | {lines:,} |")
table = "\n".join(["| module | depends on | lines |", "|---|---|---|"] + rows)
if "--check" in sys.argv:
    readme = open(os.path.join(root, "README.md"), encoding="utf-8").read()
    if table not in readme:
        print("README.md's module map is out of date; replace it with:\n" + table)
        sys.exit(1)
    print("README.md's module map matches Package.swift")
else:
    print(table)
