#!/usr/bin/env bash
# Sets up (Debian packages + release build) and runs cfx's main job on the bundled default.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh release
exec .build/release/cfx demo "$@"
