#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# CI stage: build and test Timberline on Debian 13 (trixie: Qt 6.8, GCC 14, KF6 SyntaxHighlighting)
# inside a debootstrap chroot, with the project's own scripts (install-deps.sh, build.sh, test.sh).
#
# The chroot lives outside the checkout (TL_DEBIAN13_ROOT, default /var/cache/timberline-ci/trixie) so
# a clean clone reuses it and it never lands in git. It is reused when complete; a half-made one (a
# killed debootstrap) is rebuilt. The checkout is mounted read-only at /src/timberline and
# ../shared/corpus beside it at /src/shared/corpus when it exists; the build tree is /build inside
# the chroot, kept between runs like build/ on the host.
#
# TL_DEBIAN13_FROM=REV builds a clean export of that git revision (e.g. HEAD) instead of the working
# tree, for when the working tree holds unfinished files (a full rebuild: tar gives every file the
# commit's time). TL_DEBIAN13_CLEAN=1 starts /build afresh.
# TL_DEBIAN_MIRROR overrides the mirror, which is otherwise the host's own Debian mirror.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
root=${TL_DEBIAN13_ROOT:-/var/cache/timberline-ci/trixie}
suite=trixie
corpus=$here/../shared/corpus

# debootstrap, mount and chroot need root.
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "debian13: needs root or sudo" >&2; exit 1; }
    exec sudo --preserve-env=TL_DEBIAN13_ROOT,TL_DEBIAN13_FROM,TL_DEBIAN13_CLEAN,TL_DEBIAN_MIRROR "$0" "$@"
fi

step() {
    local name=$1
    shift
    local start=$SECONDS
    echo ":::: debian 13: $name"
    "$@"
    echo ":::: debian 13: $name took $((SECONDS - start)) s"
}

# The host's Debian mirror, as its apt configuration names it (one-line or deb822 sources alike):
# the repository serving the host's own release, not its -updates or -security suites.
host_mirror() {
    local codename
    codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
    apt-get indextargets --no-release-info --format '$(REPO_URI) $(RELEASE)' 2>/dev/null |
        awk -v suite="$codename" '$2 == suite { print $1; exit }'
}

# Mount points made by this run, unmounted in reverse order on any exit.
mounted=()
unmount_all() {
    local i
    for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
        umount "${mounted[i]}" 2>/dev/null || umount -l "${mounted[i]}" || true
    done
    mounted=()
}
trap unmount_all EXIT
# A signal ends the script through exit, so the EXIT trap unmounts then too.
trap 'exit 130' INT
trap 'exit 143' TERM
bind() { # bind SOURCE TARGET [ro]
    mkdir -p "$2"
    mount --bind "$1" "$2"
    mounted+=("$2")
    [ "${3:-}" != ro ] || mount -o remount,bind,ro "$2"
}

# What an earlier run killed before its trap ran may have left mounted under the chroot: unmount it,
# deepest first, so nothing below can reach the host (above all before any rm -rf).
unmount_stale() {
    local target
    awk -v root="$root" '$5 == root || index($5, root "/") == 1 { print $5 }' /proc/self/mountinfo |
        sort -r | while read -r target; do umount "$target" 2>/dev/null || umount -l "$target"; done
}

ensure_debootstrap() {
    command -v debootstrap >/dev/null && return 0
    echo "debian13: installing debootstrap on the host" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q --no-install-recommends debootstrap >/dev/null ||
        { apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends debootstrap >/dev/null; }
}

# A chroot is complete once debootstrap succeeded (marker written after it); anything else is redone.
create_chroot() {
    local marker=$root/.timberline-ci-debootstrap-done
    if [ -f "$marker" ]; then
        echo "debian13: reusing $root ($(cat "$marker"))"
        return 0
    fi
    ensure_debootstrap
    local mirror=${TL_DEBIAN_MIRROR:-$(host_mirror)}
    [ -n "$mirror" ] || { echo "debian13: no Debian mirror in the host's apt sources; set TL_DEBIAN_MIRROR" >&2; exit 1; }
    if [ -e "$root" ]; then
        echo "debian13: $root is incomplete; creating it again"
        # --one-file-system: never follow a mount that unmount_stale could not remove.
        rm -rf --one-file-system "$root"
    fi
    mkdir -p "$(dirname "$root")"
    echo "debian13: debootstrap --variant=minbase $suite from $mirror"
    debootstrap --variant=minbase "$suite" "$root" "$mirror" >"$root.debootstrap.log" 2>&1 ||
        { tail -n 30 "$root.debootstrap.log" >&2; exit 1; }
    # The chroot is disposable: dpkg need not fsync every file it unpacks.
    echo force-unsafe-io >"$root/etc/dpkg/dpkg.cfg.d/timberline-ci-unsafe-io"
    echo "$suite from $mirror, $(date -u +%Y-%m-%dT%H:%MZ)" >"$marker"
}

mount_all() {
    mount -t proc proc "$root/proc" && mounted+=("$root/proc")
    mount -t sysfs sysfs "$root/sys" && mounted+=("$root/sys")
    bind /dev "$root/dev"
    bind /dev/pts "$root/dev/pts"
    # Qt and ctest need /dev/shm writable; the host's is a separate mount that /dev's bind leaves out.
    mount -t tmpfs tmpfs "$root/dev/shm" && mounted+=("$root/dev/shm")
    # apt inside resolves the mirror with the host's resolver.
    cp -L --remove-destination /etc/resolv.conf "$root/etc/resolv.conf"

    if [ -n "${TL_DEBIAN13_FROM:-}" ]; then
        # A clean export, for when the working tree holds unfinished files.
        rm -rf --one-file-system "$root/src/timberline"
        mkdir -p "$root/src/timberline"
        git -C "$here" archive "$TL_DEBIAN13_FROM" | tar -x -C "$root/src/timberline"
        echo "debian13: building a clean export of $TL_DEBIAN13_FROM ($(git -C "$here" rev-parse --short "$TL_DEBIAN13_FROM"))"
    else
        bind "$here" "$root/src/timberline" ro
    fi
    if [ -d "$corpus" ]; then
        bind "$corpus" "$root/src/shared/corpus" ro
    else
        echo "debian13: no ../shared/corpus beside the checkout: the corpus conformance test will skip"
    fi
}

# Runs a command inside the chroot with a clean environment: nothing from the host's CI leaks in,
# above all not TL_CMAKE_ARGS=-DTL_WARNINGS_AS_ERRORS=ON (only the Debian 12 build uses -Werror;
# GCC 14's -Wdangling-reference has false positives).
in_chroot() {
    chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        DEBIAN_FRONTEND=noninteractive TL_BUILD_DIR=/build "$@"
}

# One run at a time per chroot: a second would share its mounts and /build.
mkdir -p "$(dirname "$root")"
exec 9>"$root.lock"
flock -n 9 || { echo "debian13: waiting for another run on $root" >&2; flock 9; }

unmount_stale
step "chroot (debootstrap $suite)" create_chroot
mount_all
[ "${TL_DEBIAN13_CLEAN:-0}" != 1 ] || rm -rf "$root/build"
step "dependencies (packaging/install-deps.sh)" in_chroot /src/timberline/packaging/install-deps.sh
in_chroot sh -c '. /etc/os-release; echo "debian13: $PRETTY_NAME, $(g++ --version | head -n 1), Qt $(dpkg-query -W -f="\${Version}" qt6-base-dev)"'
# The log beside the chroot lets the stage count GCC 14 / Qt 6.8 warnings, which are reported, not fatal.
build_logged() { in_chroot /src/timberline/packaging/build.sh 2>&1 | tee "$root.build.log"; }
step "build (packaging/build.sh)" build_logged
echo "debian13: $(grep -c 'warning:' "$root.build.log" || true) compiler warnings in what this run compiled (not fatal here)"
# Debian 13 ships KF6 SyntaxHighlighting. A build there without it would pass tst_discover on the
# built-in highlighter alone (the test checks whichever the build has), so its absence fails the stage.
grep -q -- '-DTL_HAVE_KSYNTAXHIGHLIGHTING=1' "$root/build/build.ninja" ||
    { echo "debian13: the build did not find KF6 SyntaxHighlighting" >&2; exit 1; }
echo "debian13: raw JSON highlighted by KF6 SyntaxHighlighting $(in_chroot dpkg-query -W -f='${Version}' libkf6syntaxhighlighting-dev)"
step "tests (packaging/test.sh)" in_chroot /src/timberline/packaging/test.sh
