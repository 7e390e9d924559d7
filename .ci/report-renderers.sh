#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# CI stage: reports on the sample incident and on tests/fixtures/report/hostile.log rendered by
# GitHub's own Markdown renderer (Debian's cmark-gfm), checked for their sections, tables and the
# absence of anything log text could inject (tests/report/check-html.py), and every Mermaid chart
# parsed by Mermaid itself under node, pinned in tests/report/package-lock.json, with no task lost
# (tests/report/check-mermaid.mjs). A missing renderer fails the stage.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
for tool in cmark-gfm node npm python3; do
    command -v "$tool" >/dev/null || { echo "report-renderers: $tool is missing (TL_WITH_RENDERERS=1 packaging/install-deps.sh)" >&2; exit 1; }
done
timberline=$root/build/app/timberline
[ -x "$timberline" ] || { echo "report-renderers: build the Release tree first (packaging/build.sh)" >&2; exit 1; }
work=$root/build/report-checks
rm -rf "$work/stores"
mkdir -p "$work/stores"
cp tests/report/package.json tests/report/package-lock.json tests/report/check-mermaid.mjs "$work/"
(cd "$work" && npm ci --no-audit --no-fund --loglevel=error)
for bundle in resources/sample-incident tests/fixtures/report/hostile.log; do
    name=$(basename "$bundle" .log)
    store=$work/stores/$name.timberline
    "$timberline" import --store "$store" "$bundle" >/dev/null
    "$timberline" report --store "$store" --output "$work/$name.md" --title "Report on $name"
    cmark-gfm --extension table "$work/$name.md" >"$work/$name.html"
    python3 tests/report/check-html.py <"$work/$name.html"
    node "$work/check-mermaid.mjs" "$work/$name.md"
done
