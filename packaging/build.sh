#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs what is missing and builds Timberline (Release, tests included) into one shared tree:
# build/ beside this folder, or $TL_BUILD_DIR.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${TL_BUILD_DIR:-$here/build}
"$here/packaging/install-deps.sh"
if [ ! -f "$build/build.ninja" ]; then
    cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DTL_BUILD_TESTS=ON \
        ${TL_CMAKE_ARGS:-} >/dev/null
fi
cmake --build "$build" -j "$(nproc)"
