#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# README command 2: set up, build, and run every test suite through CTest (same build tree as run.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${TL_BUILD_DIR:-$here/build}
"$here/packaging/build.sh"
cd "$build"
QT_QPA_PLATFORM=offscreen ctest --output-on-failure -j "$(nproc)" "$@"
