#!/usr/bin/env bash
# Validates an exported notebook with the reference tools: nbformat's JSON-schema validation and
# a `jupyter nbconvert --to html` conversion. Installs nbformat and nbconvert from PyPI into a
# virtual environment under ~/.cache/cfx/nbvenv on first use.
#
# Usage: scripts/check-notebook.sh [notebook.ipynb]   (default: the sample in notebooks-export/)
set -euo pipefail
cd "$(dirname "$0")/.."
notebook=${1:-notebooks-export/sample-graph-counterfactuals.ipynb}
[ -f "$notebook" ] || { echo "$notebook: no such file" >&2; exit 2; }
venv="$HOME/.cache/cfx/nbvenv"
if [ ! -x "$venv/bin/jupyter-nbconvert" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet nbformat nbconvert
fi
"$venv/bin/python" - "$notebook" <<'PY'
import json, sys
import nbformat
path = sys.argv[1]
notebook = nbformat.read(path, as_version=4)
nbformat.validate(notebook)
figures = sum(1 for cell in notebook.cells for output in cell.get("outputs", []) if "image/svg+xml" in output.get("data", {}))
print(json.dumps({"notebook": path, "valid": True, "nbformat": f"{notebook.nbformat}.{notebook.nbformat_minor}",
                  "cells": len(notebook.cells), "svgFigures": figures}))
PY
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$venv/bin/jupyter-nbconvert" --to html --log-level ERROR "$notebook" --output-dir "$work" --output converted
test -s "$work/converted.html"
echo "nbconvert: $(wc -c < "$work/converted.html") bytes of HTML"
