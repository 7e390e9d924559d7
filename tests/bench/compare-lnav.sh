#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Import time against lnav's load-and-count on the same structlog JSON file.
#
#   tests/bench/compare-lnav.sh BUILD_DIR [SIZE_MB] [ROUNDS]
#
# BUILD_DIR must hold tl_generate and bench_import (ninja -C BUILD_DIR tl_generate bench_import).
# SIZE_MB defaults to 200, ROUNDS to 5; every figure is the median of ROUNDS runs. lnav reads the
# file through a JSON log format written into a throwaway HOME, so the user's lnav set-up is neither
# used nor touched, and the script checks that lnav really parsed every line with it.
set -euo pipefail

usage() {
    echo "usage: $0 BUILD_DIR [SIZE_MB] [ROUNDS]" >&2
    exit 2
}

[[ $# -ge 1 && $# -le 3 ]] || usage
build_dir=$(cd "$1" && pwd) || usage
size_mb=${2:-200}
rounds=${3:-5}
[[ $size_mb =~ ^[0-9]+$ && $size_mb -gt 0 && $rounds =~ ^[0-9]+$ && $rounds -gt 0 ]] || usage

generate=$build_dir/tests/bench/tl_generate
bench=$build_dir/tests/bench/bench_import
for tool in "$generate" "$bench"; do
    if [[ ! -x $tool ]]; then
        echo "missing $tool: run ninja -C $build_dir tl_generate bench_import" >&2
        exit 1
    fi
done
command -v python3 >/dev/null || { echo "python3 is needed for the medians" >&2; exit 1; }

if ! command -v lnav >/dev/null; then
    echo "installing lnav (Debian package)..." >&2
    if [[ $(id -u) -eq 0 ]]; then
        apt-get update -qq && apt-get install -y -qq lnav >&2
    elif command -v sudo >/dev/null; then
        sudo apt-get update -qq && sudo apt-get install -y -qq lnav >&2
    else
        echo "lnav is missing and neither root nor sudo is available to install it" >&2
        exit 1
    fi
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/compare-lnav.XXXXXX")
trap 'rm -rf "$work"' EXIT

"$generate" --quiet --size "${size_mb}M" --single-file structlog-json "$work/data"
file=$work/data/incident-structlog-json.log
lines=$(wc -l <"$file")
bytes=$(stat -c %s "$file")

# The format lnav needs to read structlog's JSON lines as log messages rather than plain text.
mkdir -p "$work/home/.lnav/formats/installed"
cp "$(dirname "$0")/lnav/timberline_structlog.json" "$work/home/.lnav/formats/installed/"

run_lnav() {
    env -u XDG_CONFIG_HOME HOME="$work/home" lnav -n -c "$1" "$file"
}

# lnav prints a header line and then the value; the last line holds the number.
recognised=$(run_lnav ";SELECT count(*) FROM all_logs WHERE log_format = 'timberline_structlog'" | tail -n 1 | tr -d ' ')
if [[ $recognised != "$lines" ]]; then
    echo "lnav read ${recognised:-0} of $lines lines with the timberline_structlog format: fix the format" >&2
    exit 1
fi

now() { echo "$EPOCHREALTIME"; }

lnav_times=()
for ((round = 1; round <= rounds; round++)); do
    started=$(now)
    count=$(run_lnav ';SELECT count(*) FROM all_logs' | tail -n 1 | tr -d ' ')
    ended=$(now)
    [[ $count == "$lines" ]] || { echo "lnav counted $count of $lines lines" >&2; exit 1; }
    lnav_times+=("$(python3 -c "print($ended - $started)")")
done

bench_runs=()
for ((round = 1; round <= rounds; round++)); do
    bench_runs+=("$("$bench" --json --store "$work/incident-$round.timberline" "$file")")
    rm -f "$work/incident-$round.timberline"*
done

python3 - "$bytes" "$lines" "$(lnav -V | head -n 1)" "${lnav_times[*]}" "${bench_runs[@]}" <<'EOF'
import json
import statistics
import sys

bytes_, lines, lnav_version, lnav_times = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
lnav = statistics.median(float(t) for t in lnav_times.split())
runs = [json.loads(run) for run in sys.argv[5:]]


def median(key):
    return statistics.median(run[key] for run in runs)


events = runs[0]["events"]
print(f"input        {bytes_ / 1e6:.1f} MB, {lines} lines of structlog JSON; medians of {len(runs)} rounds")
print(f"lnav         {lnav:8.3f} s   load + count(*) ({lnav_version})")
for label, key in (("first rows", "first_rows_seconds"), ("all rows", "rows_seconds"),
                   ("complete", "complete_seconds")):
    seconds = median(key)
    print(f"{label:12} {seconds:8.3f} s   {seconds / lnav:6.2f} x lnav")
print(f"events       {events} (lnav: {lines})")
print(f"store        {median('store_ratio'):.2f} x input; peak RSS {median('peak_rss_kb') / 1024:.0f} MB")
if events != lines:
    print("warning: Timberline and lnav disagree on the number of events", file=sys.stderr)
EOF
