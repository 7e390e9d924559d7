#!/bin/sh
# SPDX-License-Identifier: MIT
# Builds the query-parser fuzzer with clang's libFuzzer (plus ASan and UBSan) and runs it.
# Usage: tests/fuzz/run.sh BUILD_DIR SECONDS     (CI: tests/fuzz/run.sh build-fuzz 60)
# Needs clang++ (Debian: apt-get install clang, or TL_WITH_CLANG=1 packaging/install-deps.sh).
set -eu
build=${1:?usage: run.sh BUILD_DIR SECONDS}
seconds=${2:?usage: run.sh BUILD_DIR SECONDS}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cxx=${CXX_FUZZ:-clang++}
mkdir -p "$build/fuzz-corpus"
# The query code is plain C++ (no Qt): compile it straight into the target.
"$cxx" -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -I"$root" "$here/fuzz_queryparser.cpp" "$root"/core/query/*.cpp \
    "$root"/core/model/normalize.cpp "$root"/core/model/record.cpp "$root"/core/base/textformat.cpp \
    $(pkg-config --cflags --libs re2) -o "$build/fuzz_queryparser"
# New inputs go to the build's corpus; the committed seeds stay as they are. libFuzzer reports every
# new input; the log keeps them and CI shows the end (the crash report, or the final statistics).
status=0
"$build/fuzz_queryparser" -max_total_time="$seconds" -timeout=10 -max_len=4096 -print_final_stats=1 \
    "$build/fuzz-corpus" "$here/corpus/queryparser" >"$build/fuzz.log" 2>&1 || status=$?
tail -n 40 "$build/fuzz.log"
exit "$status"
