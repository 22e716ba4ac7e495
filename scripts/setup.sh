#!/usr/bin/env bash
# Installs the Debian packages cfx needs (when missing), fetches the image sources that come
# from PyPI (scripts/fetch-image-sources.sh) and builds cfx.
# Usage: scripts/setup.sh [debug|release]   (default: release)
# Works on a fresh Debian 12 machine with Swift installed; uses sudo when not root.
set -euo pipefail
cd "$(dirname "$0")/.."

config="${1:-release}"
packages=(pkg-config libopenblas-dev libopenbabel-dev openbabel libgraphviz-dev graphviz libopenmpi-dev openmpi-bin
          libnauty2-dev nauty libplanarity-dev planarity libpng-dev zlib1g-dev
          dataset-fashion-mnist python3 python3-pip)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}" >&2
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "setup: not root and no sudo; install as root: apt-get install ${missing[*]}" >&2; exit 1; }
    sudo_cmd=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v swift >/dev/null; then
  echo "setup: swift is not on PATH; install Swift 6 (https://swift.org/install) and re-run" >&2
  exit 1
fi

# The image sources that come from PyPI wheels (animal silhouettes, textures), hashes pinned.
scripts/fetch-image-sources.sh

echo "setup: building cfx ($config)" >&2
swift build -c "$config" --product cfx >&2
