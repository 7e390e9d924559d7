#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Import time against lnav's load-and-count on the same file, for one or more shapes of log.
#
#   tests/bench/compare-lnav.sh BUILD_DIR [SIZE_MB] [ROUNDS] [--shape SHAPE]...
#
# BUILD_DIR must hold tl_generate and bench_import (ninja -C BUILD_DIR tl_generate bench_import).
# SIZE_MB defaults to 200, ROUNDS to 5; every figure is the median of ROUNDS runs, lnav and Timberline
# alternated round by round. SHAPE is a tl_generate shape (see tl_generate --help): incident (the
# default: the incident bundle as one structlog JSON file), uuid-structlog, otel-json, k8s-json, or
# all (the four in turn, then one Markdown table of them). lnav reads each file through the JSON log
# format of tests/bench/lnav/ for its shape, written into a throwaway HOME, so the user's lnav set-up
# is neither used nor touched, and the script checks that lnav really parsed every line with it.
set -euo pipefail

usage() {
    echo "usage: $0 BUILD_DIR [SIZE_MB] [ROUNDS] [--shape incident|uuid-structlog|otel-json|k8s-json|all]..." >&2
    exit 2
}

positional=()
shapes=()
while [[ $# -gt 0 ]]; do
    case $1 in
    --shape)
        [[ $# -ge 2 ]] || usage
        if [[ $2 == all ]]; then
            shapes+=(incident uuid-structlog otel-json k8s-json)
        else
            shapes+=("$2")
        fi
        shift 2
        ;;
    -*) usage ;;
    *) positional+=("$1"); shift ;;
    esac
done
[[ ${#positional[@]} -ge 1 && ${#positional[@]} -le 3 ]] || usage
[[ ${#shapes[@]} -gt 0 ]] || shapes=(incident)
build_dir=$(cd "${positional[0]}" && pwd) || usage
size_mb=${positional[1]:-200}
rounds=${positional[2]:-5}
[[ $size_mb =~ ^[0-9]+$ && $size_mb -gt 0 && $rounds =~ ^[0-9]+$ && $rounds -gt 0 ]] || usage

# The tl_generate arguments, the file they write and the lnav format that reads it, per shape.
shape_setup() {
    case $1 in
    incident) generate_args=(--single-file structlog-json) data_name=incident-structlog-json.log
        lnav_format=timberline_structlog described="structlog JSON" ;;
    uuid-structlog) generate_args=(--shape uuid-structlog) data_name=uuid-structlog.log
        lnav_format=timberline_structlog described="structlog JSON, a UUID per line" ;;
    otel-json) generate_args=(--shape otel-json) data_name=otel-json.log
        lnav_format=timberline_otel described="OpenTelemetry JSON" ;;
    k8s-json) generate_args=(--shape k8s-json) data_name=k8s-json.log
        lnav_format=timberline_k8s described="Kubernetes JSON" ;;
    *) echo "unknown shape $1" >&2; usage ;;
    esac
}
for shape in "${shapes[@]}"; do shape_setup "$shape"; done

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
formats_dir=$(cd "$(dirname "$0")/lnav" && pwd)
lnav_version=$(lnav -V | head -n 1)
# Wall-clock, user and system seconds of a command (bash's time keyword), so that on a shared
# machine the CPU each side spent can be read beside the wall time.
TIMEFORMAT='%R %U %S'

run_lnav() {
    env -u XDG_CONFIG_HOME HOME="$work/home" lnav -n -c "$1" "$file"
}

for shape in "${shapes[@]}"; do
    shape_setup "$shape"
    rm -rf "$work/data" "$work/home"
    "$generate" --quiet --size "${size_mb}M" "${generate_args[@]}" "$work/data"
    file=$work/data/$data_name
    lines=$(wc -l <"$file")
    bytes=$(stat -c %s "$file")

    # Only this shape's format, so that lnav cannot read the file with another one.
    mkdir -p "$work/home/.lnav/formats/installed"
    cp "$formats_dir/$lnav_format.json" "$work/home/.lnav/formats/installed/"

    # lnav prints a header line and then the value; the last line holds the number.
    recognised=$(run_lnav ";SELECT count(*) FROM all_logs WHERE log_format = '$lnav_format'" | tail -n 1 | tr -d ' ')
    if [[ $recognised != "$lines" ]]; then
        echo "lnav read ${recognised:-0} of $lines lines with the $lnav_format format: fix the format" >&2
        exit 1
    fi

    lnav_times=()
    bench_runs=()
    for ((round = 1; round <= rounds; round++)); do
        { time run_lnav ';SELECT count(*) FROM all_logs' >"$work/lnav.out"; } 2>"$work/lnav.time"
        count=$(tail -n 1 "$work/lnav.out" | tr -d ' ')
        [[ $count == "$lines" ]] || { echo "lnav counted $count of $lines lines" >&2; exit 1; }
        lnav_times+=("$(tail -n 1 "$work/lnav.time")")
        { time "$bench" --json --store "$work/store-$round.timberline" "$file" >"$work/bench.json" 2>"$work/bench.err"; } \
            2>"$work/bench.time" || { cat "$work/bench.err" >&2; exit 1; }
        bench_runs+=("$(tail -n 1 "$work/bench.time") $(cat "$work/bench.json")")
        rm -f "$work/store-$round.timberline"*
    done

    python3 - "$bytes" "$lines" "$lnav_version" "$shape" "$described" "$work/summary.jsonl" "$(cat /proc/loadavg)" \
        "${lnav_times[@]}" -- "${bench_runs[@]}" <<'PYTHON'
import json
import statistics
import sys

bytes_, lines, lnav_version = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
shape, described, summary, load = sys.argv[4], sys.argv[5], sys.argv[6], sys.argv[7]
split = sys.argv.index("--")
# "wall user system" for lnav; "wall user system {json}" for bench_import (the whole process).
lnav_runs = [[float(x) for x in run.split()] for run in sys.argv[8:split]]
lnav = statistics.median(run[0] for run in lnav_runs)
lnav_cpu = statistics.median(run[1] + run[2] for run in lnav_runs)
runs, bench_cpus = [], []
for run in sys.argv[split + 1:]:
    wall, user, system, text = run.split(" ", 3)
    runs.append(json.loads(text))
    bench_cpus.append(float(user) + float(system))
bench_cpu = statistics.median(bench_cpus)


def median(key):
    return statistics.median(run[key] for run in runs)


events = runs[0]["events"]
if shape != "incident":
    print(f"shape        {shape}")
print(f"input        {bytes_ / 1e6:.1f} MB, {lines} lines of {described}; medians of {len(runs)} rounds")
print(f"lnav         {lnav:8.3f} s   load + count(*) ({lnav_version})")
for label, key in (("first rows", "first_rows_seconds"), ("all rows", "rows_seconds"),
                   ("complete", "complete_seconds")):
    seconds = median(key)
    print(f"{label:12} {seconds:8.3f} s   {seconds / lnav:6.2f} x lnav")
print(f"events       {events} (lnav: {lines})")
print(f"store        {median('store_ratio'):.2f} x input; peak RSS {median('peak_rss_kb') / 1024:.0f} MB")
print(f"CPU          lnav {lnav_cpu:.2f} s, bench_import {bench_cpu:.2f} s (user + system, whole process); "
      f"load average {load.split()[0]}")
if events != lines:
    print("warning: Timberline and lnav disagree on the number of events", file=sys.stderr)
row = {"shape": shape, "mb": bytes_ / 1e6, "lines": lines, "events": events, "lnav": lnav,
       "lnav_cpu": lnav_cpu, "bench_cpu": bench_cpu,
       "lnav_runs": sorted(run[0] for run in lnav_runs),
       "complete_runs": sorted(run["complete_seconds"] for run in runs),
       "first_rows": median("first_rows_seconds"), "rows": median("rows_seconds"),
       "complete": median("complete_seconds"), "store_mb": median("store_bytes") / 1e6,
       "store_ratio": median("store_ratio"), "peak_rss_mb": median("peak_rss_kb") / 1024}
with open(summary, "a") as out:
    out.write(json.dumps(row) + "\n")
PYTHON
done

if [[ ${#shapes[@]} -gt 1 ]]; then
    echo
    python3 - "$work/summary.jsonl" "$rounds" <<'PYTHON'
import json
import sys

rows = [json.loads(line) for line in open(sys.argv[1])]
print(f"Medians of {sys.argv[2]} alternated rounds:")
print()
print("| shape | MB | events | lnav load + count | first rows | all rows | store complete | ÷ lnav "
      "| CPU lnav / Timberline | store | ÷ input | peak RSS |")
print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
for r in rows:
    print(f"| {r['shape']} | {r['mb']:.1f} | {r['events']:,} | {r['lnav']:.2f} s | {r['first_rows']:.3f} s "
          f"| {r['rows']:.2f} s | {r['complete']:.2f} s | {r['complete'] / r['lnav']:.2f}× "
          f"| {r['lnav_cpu']:.2f} / {r['bench_cpu']:.2f} s | {r['store_mb']:.1f} MB "
          f"| {r['store_ratio']:.2f} | {r['peak_rss_mb']:.0f} MB |")
PYTHON
fi
