#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# CI stage: the .deb that `cpack -G DEB` makes in the Release tree. Its desktop entry and AppStream
# metainfo pass desktop-file-validate and appstreamcli validate --no-net; it holds the binary, the
# launcher, icons, MIME type, man page, bash completion and the sample incident; and the binary it
# carries, unpacked on its own, prints its version and imports the sample it ships headless.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
for tool in desktop-file-validate appstreamcli dpkg-deb cpack; do
    command -v "$tool" >/dev/null || { echo "package: $tool is missing (TL_WITH_PACKAGING=1 packaging/install-deps.sh)" >&2; exit 1; }
done
linux=packaging/linux
desktop-file-validate "$linux/dev.timberline.Timberline.desktop"
appstreamcli validate --no-net "$linux/dev.timberline.Timberline.metainfo.xml"
rm -f build/timberline_*.deb
(cd build && cpack -G DEB >/dev/null)
deb=$(ls build/timberline_*.deb)
echo "package: $deb, $(stat -c %s "$deb") bytes, Depends: $(dpkg-deb -f "$deb" Depends)"
contents=$(dpkg-deb -c "$deb" | awk '{ print $6 }')
for path in ./usr/bin/timberline ./usr/share/applications/dev.timberline.Timberline.desktop \
    ./usr/share/metainfo/dev.timberline.Timberline.metainfo.xml ./usr/share/mime/packages/dev.timberline.Timberline.xml \
    ./usr/share/icons/hicolor/scalable/apps/dev.timberline.Timberline.svg ./usr/share/icons/hicolor/256x256/apps/dev.timberline.Timberline.png \
    ./usr/share/man/man1/timberline.1 ./usr/share/bash-completion/completions/timberline ./usr/share/doc/timberline/QUERY.md \
    ./usr/share/timberline/sample-incident/orchestrator.log; do
    grep -qxF "$path" <<<"$contents" || { echo "package: $deb lacks $path" >&2; exit 1; }
done
dpkg-deb -f "$deb" Depends | grep -q qt6-qpa-plugins || { echo "package: Depends lacks qt6-qpa-plugins" >&2; exit 1; }
unpacked=$(mktemp -d)
trap 'rm -rf "$unpacked"' EXIT
dpkg-deb -x "$deb" "$unpacked"
"$unpacked/usr/bin/timberline" --version | grep -qx "timberline [0-9.]*"
env -u DISPLAY -u WAYLAND_DISPLAY "$unpacked/usr/bin/timberline" import --store "$unpacked/sample.timberline" \
    "$unpacked/usr/share/timberline/sample-incident" | tee "$unpacked/import.txt"
grep -q "^Imported 6 source(s): 2,717 events" "$unpacked/import.txt"
