#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# README command 1: set up, build, and open Timberline on PATHs (the sample incident by default).
# Without a display the same import runs headless and prints its summary.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${TL_BUILD_DIR:-$here/build}
"$here/packaging/build.sh" >&2
[ $# -gt 0 ] || set -- "$here/resources/sample-incident"
exec "$build/app/timberline" "$@"
