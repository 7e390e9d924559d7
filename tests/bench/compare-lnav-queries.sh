#!/bin/bash
# SPDX-License-Identifier: MIT
#
# The same questions to lnav and to Timberline on the same structlog JSON file.
#
#   tests/bench/compare-lnav-queries.sh BUILD_DIR [SIZE_MB] [ROUNDS]
#
# lnav keeps no index between runs: each question is a load of the file plus an SQL query, which is
# what answering it costs an lnav user. Timberline imports the file once (timed and shown apart), then
# answers each question from the store with `timberline query`. Both counts are printed, so the
# questions can be seen to match. Medians of ROUNDS (default 3).
set -euo pipefail

[[ $# -ge 1 && $# -le 3 ]] || { echo "usage: $0 BUILD_DIR [SIZE_MB] [ROUNDS]" >&2; exit 2; }
build_dir=$(cd "$1" && pwd)
size_mb=${2:-200}
rounds=${3:-3}
generate=$build_dir/tests/bench/tl_generate
timberline=$build_dir/app/timberline
command -v lnav >/dev/null || { echo "lnav is missing: run tests/bench/compare-lnav.sh first, it installs it" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/compare-lnav-queries.XXXXXX")
trap 'rm -rf "$work"' EXIT
"$generate" --quiet --size "${size_mb}M" --single-file structlog-json "$work/data"
file=$work/data/incident-structlog-json.log
mkdir -p "$work/home/.lnav/formats/installed"
cp "$(dirname "$0")/lnav/timberline_structlog.json" "$work/home/.lnav/formats/installed/"

started=$EPOCHREALTIME
"$timberline" import --store "$work/s.timberline" "$file" >/dev/null
imported=$(python3 -c "print(f'{$EPOCHREALTIME - $started:.2f}')")

request=$(grep -m 1 -o '"request_id": "req-[0-9a-f]*"' "$file" | cut -d'"' -f4)

# name | lnav SQL | Timberline query
questions=(
    "request ID|SELECT count(*) FROM timberline_structlog WHERE request_id = '$request'|request_id:$request"
    "full-text term|SELECT count(*) FROM all_logs WHERE log_text LIKE '%timeout%'|timeout"
    "time range|SELECT count(*) FROM all_logs WHERE log_time >= '2025-11-10 10:40:00.000' AND log_time < '2025-11-10 10:45:00.000'|@timestamp >= \"2025-11-10T10:40:00\" and @timestamp < \"2025-11-10T10:45:00\""
    "level|SELECT count(*) FROM all_logs WHERE log_level = 'error'|level:error"
    "AND/OR/NOT|SELECT count(*) FROM timberline_structlog WHERE (log_level = 'error' OR log_level = 'warning') AND service != 'orchestrator' AND (error_type IS NULL OR error_type != 'PoolTimeout')|(level:error or level:warn) and not service:orchestrator and not error_type:PoolTimeout"
)

median() { python3 -c "import statistics,sys; print(f'{statistics.median(float(x) for x in sys.argv[1:]):.3f}')" "$@"; }

printf 'input %s MB, %s lines; Timberline import (once) %s s; medians of %s rounds\n' \
    "$size_mb" "$(wc -l <"$file")" "$imported" "$rounds"
printf '%-15s %12s %10s %14s %14s %10s\n' question "lnav count" "lnav s" "tl count" "tl 200 rows s" "tl count s"
for question in "${questions[@]}"; do
    IFS='|' read -r name sql query <<<"$question"
    lnav_times=() rows_times=() count_times=()
    for ((round = 1; round <= rounds; round++)); do
        t0=$EPOCHREALTIME
        lnav_count=$(env -u XDG_CONFIG_HOME HOME="$work/home" lnav -n -c ";$sql" "$file" | tail -n 1 | tr -d ' ')
        t1=$EPOCHREALTIME
        "$timberline" query --store "$work/s.timberline" --limit 200 "$query" >/dev/null
        t2=$EPOCHREALTIME
        tl_count=$("$timberline" query --store "$work/s.timberline" --count "$query")
        t3=$EPOCHREALTIME
        lnav_times+=("$(python3 -c "print($t1 - $t0)")")
        rows_times+=("$(python3 -c "print($t2 - $t1)")")
        count_times+=("$(python3 -c "print($t3 - $t2)")")
    done
    printf '%-15s %12s %10s %14s %14s %10s\n' "$name" "$lnav_count" "$(median "${lnav_times[@]}")" "$tl_count" \
        "$(median "${rows_times[@]}")" "$(median "${count_times[@]}")"
done
echo "(Timberline times are whole processes: start, open the store, answer, exit. The full-text counts"
echo " differ by design: lnav's LIKE matches substrings of the whole line, keys included (timeout_s,"
echo " PoolTimeout); Timberline matches the token 'timeout' in messages and string values.)"
