#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs the Debian packages Timberline builds and runs with. Idempotent: installs only what is
# missing, runs apt-get update only when it must, as root or through sudo.
set -euo pipefail

packages=(
    build-essential cmake ninja-build pkg-config
    qt6-base-dev qt6-base-dev-tools libgl-dev
    libsqlite3-dev sqlite3 libsimdjson-dev libarchive-dev libzstd-dev zlib1g-dev liblzma-dev libbz2-dev libssl-dev libre2-dev
    fonts-dejavu-core
)
# KF6 SyntaxHighlighting (raw JSON in the detail pane) where the release ships it: Debian 13 and later
# (testing and sid carry no VERSION_ID). Debian 12 has no KF6 and uses the built-in highlighter.
if (. /etc/os-release && [ "${ID:-}" = debian ] && [ "${VERSION_ID:-99}" -ge 13 ]); then
    packages+=(libkf6syntaxhighlighting-dev)
fi
[ "${TL_WITH_CLANG:-0}" = 1 ] && packages+=(clang)
# CI's X stage (.ci/xvfb.sh): a real X server for the ui suites and the screenshot, xauth for
# xvfb-run, ImageMagick's identify to tell a drawn screenshot from a blank one.
[ "${TL_WITH_XVFB:-0}" = 1 ] && packages+=(xvfb xauth imagemagick)
# CI's package stage (.ci/package.sh): the validators of the desktop entry and the AppStream metainfo.
[ "${TL_WITH_PACKAGING:-0}" = 1 ] && packages+=(desktop-file-utils appstream)
# CI's report stage (.ci/report-renderers.sh): GitHub's Markdown renderer, Python for the HTML checks,
# and Node with npm for Mermaid unless the machine has them already.
if [ "${TL_WITH_RENDERERS:-0}" = 1 ]; then
    packages+=(cmark-gfm python3)
    command -v node >/dev/null && command -v npm >/dev/null || packages+=(nodejs npm)
fi

missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

as_root=()
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
    echo "install-deps: sudo is needed to install: ${missing[*]}" >&2
    as_root=(sudo)
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
if ! "${as_root[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null; then
    "${as_root[@]}" apt-get update -q >/dev/null
    "${as_root[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi
