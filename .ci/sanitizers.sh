#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# CI stage: the core and app suites built with AddressSanitizer and UBSan (CMake preset dev-asan:
# Debug, TL_SANITIZE=address;undefined, tree build-asan/) and run through ctest's preset dev-asan,
# which sets ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 and UBSAN_OPTIONS=halt_on_error=1:...
# A leak, a memory error or undefined behaviour fails the suite that has it.
#
# Only the suites' targets are built (with timberline, which the command-line suites run, and the
# tl_ui precompiled header it reuses): not the benchmarks, not the ui suites, which the Release tree
# runs under Xvfb. The suites are every tests/core and tests/app tst_*.cpp; TL_ASAN_SUITES="tst_query
# tst_store" narrows them. Warnings are not fatal here: the Release build already builds with -Werror.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
build=$here/build-asan

suites=()
if [ -n "${TL_ASAN_SUITES:-}" ]; then
    read -r -a suites <<<"$TL_ASAN_SUITES"
else
    for source in tests/core/tst_*.cpp tests/app/tst_*.cpp; do
        suites+=("$(basename "$source" .cpp)")
    done
fi
[ ${#suites[@]} -gt 0 ] || { echo "sanitizers: no suites found" >&2; exit 1; }
echo "sanitizers: ${#suites[@]} suites: ${suites[*]}"

step() {
    local name=$1
    shift
    local start=$SECONDS
    "$@"
    echo ":::: sanitizers: $name took $((SECONDS - start)) s"
}
configure() { [ -f "$build/build.ninja" ] || cmake --preset dev-asan >/dev/null; }
step "configure" configure
step "build" cmake --build "$build" -j "$(nproc)" --target "${suites[@]}"
regex="^($(IFS='|'; echo "${suites[*]}"))\$"
step "ctest" ctest --preset dev-asan -R "$regex" -j "$(nproc)"
