#!/usr/bin/env bash
# Sets up (Debian packages + build) and runs every test: `swift test` (XCTest and Swift Testing).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh debug
swift test "$@"
