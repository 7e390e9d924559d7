#!/bin/bash
# SPDX-License-Identifier: MIT
#
# The same questions to lnav and to Timberline on the same structlog JSON file.
#
#   tests/bench/compare-lnav-queries.sh BUILD_DIR [SIZE_MB] [ROUNDS] [--shape incident|uuid-structlog]
#
# The incident (the default) gets five questions; uuid-structlog (a fresh UUID request_id on every
# line, see tl_generate --help) the three of issue 10: a request ID, a phrase, event:X and not service:Y.
# lnav keeps no index between runs: each question is a load of the file plus an SQL query, which is
# what answering it costs an lnav user. Timberline imports the file once (timed and shown apart), then
# answers each question from the store with `timberline query`. Both counts are printed, so the
# questions can be seen to match. Medians of ROUNDS (default 3).
set -euo pipefail

usage() { echo "usage: $0 BUILD_DIR [SIZE_MB] [ROUNDS] [--shape incident|uuid-structlog]" >&2; exit 2; }
positional=()
shape=incident
while [[ $# -gt 0 ]]; do
    case $1 in
    --shape) [[ $# -ge 2 ]] || usage; shape=$2; shift 2 ;;
    -*) usage ;;
    *) positional+=("$1"); shift ;;
    esac
done
[[ ${#positional[@]} -ge 1 && ${#positional[@]} -le 3 ]] || usage
build_dir=$(cd "${positional[0]}" && pwd)
size_mb=${positional[1]:-200}
rounds=${positional[2]:-3}
case $shape in
incident) generate_args=(--single-file structlog-json) data_name=incident-structlog-json.log ;;
uuid-structlog) generate_args=(--shape uuid-structlog) data_name=uuid-structlog.log ;;
*) usage ;;
esac
generate=$build_dir/tests/bench/tl_generate
timberline=$build_dir/app/timberline
command -v lnav >/dev/null || { echo "lnav is missing: run tests/bench/compare-lnav.sh first, it installs it" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/compare-lnav-queries.XXXXXX")
trap 'rm -rf "$work"' EXIT
"$generate" --quiet --size "${size_mb}M" "${generate_args[@]}" "$work/data"
file=$work/data/$data_name
mkdir -p "$work/home/.lnav/formats/installed"
cp "$(dirname "$0")/lnav/timberline_structlog.json" "$work/home/.lnav/formats/installed/"

started=$EPOCHREALTIME
"$timberline" import --store "$work/s.timberline" "$file" >/dev/null
imported=$(python3 -c "print(f'{$EPOCHREALTIME - $started:.2f}')")

# name | lnav SQL | Timberline query
if [[ $shape == uuid-structlog ]]; then
    # A request ID from the middle of the file: on this shape each is one line. lnav's JSON formats
    # leave log_body empty and render the line as "key: value" lines in log_text, so the event
    # (structlog's message) is matched there.
    request=$(sed -n "$(($(wc -l <"$file") / 2))p" "$file" | grep -o '"request_id": "[0-9a-f-]*"' | cut -d'"' -f4)
    questions=(
        "request ID|SELECT count(*) FROM timberline_structlog WHERE request_id = '$request'|request_id:$request"
        "phrase|SELECT count(*) FROM all_logs WHERE log_text LIKE '%timeout after 30s%'|\"timeout after 30s\""
        "event, not svc|SELECT count(*) FROM timberline_structlog WHERE log_text LIKE '%event: task.failed%' AND service != 'worker'|event:task.failed and not service:worker"
    )
else
    request=$(grep -m 1 -o '"request_id": "req-[0-9a-f]*"' "$file" | cut -d'"' -f4)
    questions=(
        "request ID|SELECT count(*) FROM timberline_structlog WHERE request_id = '$request'|request_id:$request"
        "full-text term|SELECT count(*) FROM all_logs WHERE log_text LIKE '%timeout%'|timeout"
        "time range|SELECT count(*) FROM all_logs WHERE log_time >= '2025-11-10 10:40:00.000' AND log_time < '2025-11-10 10:45:00.000'|@timestamp >= \"2025-11-10T10:40:00\" and @timestamp < \"2025-11-10T10:45:00\""
        "level|SELECT count(*) FROM all_logs WHERE log_level = 'error'|level:error"
        "AND/OR/NOT|SELECT count(*) FROM timberline_structlog WHERE (log_level = 'error' OR log_level = 'warning') AND service != 'orchestrator' AND (error_type IS NULL OR error_type != 'PoolTimeout')|(level:error or level:warn) and not service:orchestrator and not error_type:PoolTimeout"
    )
fi

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
