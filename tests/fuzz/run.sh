#!/bin/sh
# SPDX-License-Identifier: MIT
# Builds the libFuzzer targets with clang (plus ASan and UBSan) and runs each for a fixed time:
#   fuzz_queryparser  query text: lexer, parser, filter compiler, dates
#   fuzz_lineparser   the lines of a source: SourceParser and the time normaliser
#   fuzz_jsonrecord   one JSON record through the walker (simdjson)
#   fuzz_archive      a file through the source reader (libarchive, the stream decoders, limits)
# Usage: tests/fuzz/run.sh BUILD_DIR SECONDS_PER_TARGET     (CI: tests/fuzz/run.sh build/fuzz 20)
# Needs clang++ (Debian: apt-get install clang, or TL_WITH_CLANG=1 packaging/install-deps.sh). Fails
# when any target fails; each target's log is BUILD_DIR/<target>.log.
set -eu
build=${1:?usage: run.sh BUILD_DIR SECONDS_PER_TARGET}
seconds=${2:?usage: run.sh BUILD_DIR SECONDS_PER_TARGET}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cxx=${CXX_FUZZ:-clang++}
mkdir -p "$build/objects"
flags="-std=c++20 -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=undefined -I$root $(pkg-config --cflags re2)"
simdjson_flags=$(pkg-config --cflags simdjson 2>/dev/null || true)

# The core sources are plain C++ (no Qt): each compiled once, with coverage for the fuzzer, two at a time.
base="core/base/jsonwriter.cpp core/base/textformat.cpp core/base/timekey.cpp core/base/utf8.cpp"
model="core/model/normalize.cpp core/model/record.cpp"
query="$(cd "$root" && ls core/query/*.cpp)"
parsers="core/ingest/sourceparser.cpp core/ingest/documentparser.cpp core/ingest/documentemitter.cpp
    core/ingest/documentscanner.cpp core/ingest/jsonrecord.cpp core/ingest/textlineparser.cpp core/ingest/tracespans.cpp"
reader="core/ingest/sourcereader.cpp core/ingest/streamdecoder.cpp"
object() { echo "$build/objects/$(echo "$1" | tr / _).o"; }
for source in $base $model $query $parsers $reader; do echo "$source"; done |
    xargs -P 2 -I{} sh -c "$cxx $flags $simdjson_flags -fsanitize=fuzzer-no-link -c '$root/{}' -o '$build/objects/'\$(echo '{}' | tr / _).o"
objects() { for source in "$@"; do object "$source"; done; }

link() { # target, then its sources and libraries
    target=$1
    shift
    "$cxx" $flags $simdjson_flags -fsanitize=fuzzer "$here/$target.cpp" "$@" -o "$build/$target"
}
link fuzz_queryparser $(objects $query $model $base) $(pkg-config --libs re2)
link fuzz_lineparser $(objects $parsers $model $base) -lsimdjson
link fuzz_jsonrecord $(objects core/ingest/jsonrecord.cpp $model $base) -lsimdjson
link fuzz_archive $(objects $reader) -larchive -lz -llzma -lbz2 -lzstd

# New inputs go to the build's corpus; the committed seeds stay as they are. libFuzzer reports every
# new input; the log keeps them and CI shows the end (the crash report, or the final statistics).
status=0
for target in queryparser lineparser jsonrecord archive; do
    mkdir -p "$build/corpus-$target"
    echo "::: fuzz_$target for $seconds s"
    if "$build/fuzz_$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
        "$build/corpus-$target" "$here/corpus/$target" >"$build/fuzz_$target.log" 2>&1; then
        tail -n 12 "$build/fuzz_$target.log"
    else
        status=1
        tail -n 60 "$build/fuzz_$target.log"
        echo "::: fuzz_$target FAILED (log: $build/fuzz_$target.log)"
    fi
done
exit "$status"
