#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# CI stage: the ui suites and the window on a real X server (Xvfb) through Qt's xcb platform, from the
# shared Release tree (build/, or $TL_BUILD_DIR) that the build stage made.
#
# ctest would not do: tests/CMakeLists.txt gives every suite QT_QPA_PLATFORM=offscreen in its
# ENVIRONMENT, which wins over the caller's. So the suites run directly, each with
# QT_QPA_PLATFORM=xcb (Qt then uses xcb or fails to start: it never falls back) and QT_DEBUG_PLUGINS=1,
# whose log must show the xcb plugin loaded (or none, for a guiless suite). First, one suite is run
# with xcb and no DISPLAY and must fail, which shows the variable reaches Qt in these executables.
#
# Then the screenshot of the window on the sample incident into a fresh store, and a capture of the X
# screen with the window open on that store, both checked to hold more than a few colours. Logs and
# pictures go to build/ci-artifacts/. Tools (Xvfb, xauth, ImageMagick) come from
# TL_WITH_XVFB=1 packaging/install-deps.sh; a missing one fails the stage.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${TL_BUILD_DIR:-$here/build}
artifacts=$build/ci-artifacts
work=$build/ci-xvfb
screen=1600x1000x24
min_colours=16

fail() { echo "xvfb: $*" >&2; exit 1; }
for tool in Xvfb identify import qtpaths6; do
    command -v "$tool" >/dev/null ||
        fail "$tool is missing: TL_WITH_XVFB=1 packaging/install-deps.sh installs it"
done
[ -x "$build/app/timberline" ] || fail "no $build/app/timberline: run the build stage first"
rm -rf "$work" "$artifacts"
mkdir -p "$work" "$artifacts"

# The xcb plugin and every library it needs (libxcb-cursor0 and friends, from qt6-base-dev).
plugin=$(qtpaths6 --query QT_INSTALL_PLUGINS)/platforms/libqxcb.so
[ -f "$plugin" ] || fail "no xcb platform plugin at $plugin"
if ldd "$plugin" | grep 'not found'; then fail "$plugin misses the libraries above"; fi

suites=()
for source in "$here"/tests/ui/tst_*.cpp; do
    suites+=("$(basename "$source" .cpp)")
done
[ ${#suites[@]} -gt 0 ] || fail "no ui suites in tests/ui"
for suite in "${suites[@]}"; do
    [ -x "$build/tests/$suite" ] || fail "no $build/tests/$suite: run the build stage first"
done

# xcb and no display: the suite must not start.
probe=${suites[0]}
if (cd "$build/tests" && env -u DISPLAY -u WAYLAND_DISPLAY QT_QPA_PLATFORM=xcb timeout 60 "./$probe") \
    >"$artifacts/no-display.log" 2>&1; then
    cat "$artifacts/no-display.log" >&2
    fail "$probe passed with QT_QPA_PLATFORM=xcb and no DISPLAY: the variable does not reach Qt"
fi
grep -q 'could not connect to display' "$artifacts/no-display.log" ||
    { cat "$artifacts/no-display.log" >&2; fail "$probe failed without a display, but not for want of one"; }
echo "xvfb: without DISPLAY, $probe fails as it should: $(grep -m 1 'could not connect to display' "$artifacts/no-display.log")"

# One X server for the stage, on a display it picks itself (-displayfd), stopped by its PID on exit.
xvfb_pid=
app_pid=
stop() {
    [ -z "$app_pid" ] || kill "$app_pid" 2>/dev/null || true
    [ -z "$xvfb_pid" ] || { kill "$xvfb_pid" 2>/dev/null || true; wait "$xvfb_pid" 2>/dev/null || true; }
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
Xvfb -displayfd 3 -screen 0 "$screen" -nolisten tcp 3>"$work/display" >"$artifacts/Xvfb.log" 2>&1 &
xvfb_pid=$!
for _ in $(seq 100); do
    [ -s "$work/display" ] && break
    kill -0 "$xvfb_pid" 2>/dev/null || { cat "$artifacts/Xvfb.log" >&2; fail "Xvfb exited"; }
    sleep 0.1
done
[ -s "$work/display" ] || fail "Xvfb gave no display within 10 s"
export DISPLAY=:$(head -n 1 "$work/display")
unset WAYLAND_DISPLAY
export QT_QPA_PLATFORM=xcb
# The window's settings (geometry, query history) stay in the stage's folder, not in ~/.config.
export XDG_CONFIG_HOME=$work/config XDG_DATA_HOME=$work/data
echo "xvfb: Xvfb (pid $xvfb_pid) on $DISPLAY, screen $screen"

failed=()
for suite in "${suites[@]}"; do
    log=$artifacts/$suite.log
    start=$SECONDS
    status=0
    (cd "$build/tests" && QT_DEBUG_PLUGINS=1 timeout 300 "./$suite") >"$log" 2>&1 || status=$?
    totals=$(grep -m 1 '^Totals:' "$log" || echo "no totals")
    platform=$(grep -o -m 1 'platforms/libq[a-z]*\.so" loaded library' "$log" | sed 's/.*libq\([a-z]*\)\.so.*/\1/' || true)
    if [ -n "$platform" ] && [ "$platform" != xcb ]; then
        echo "xvfb: $suite loaded the $platform platform plugin, not xcb ($totals)"
        failed+=("$suite")
    elif [ "$status" -ne 0 ]; then
        echo "xvfb: $suite FAILED (exit $status, $((SECONDS - start)) s): $totals"
        grep -E '^(FAIL!|QWARN|   Loc:|   Actual|   Expected)' "$log" | head -n 40 || true
        failed+=("$suite")
    elif [ -z "$platform" ]; then # QTEST_GUILESS_MAIN: no platform at all
        echo "xvfb: $suite passed without a platform plugin (guiless) ($((SECONDS - start)) s): $totals"
    else
        echo "xvfb: $suite passed on xcb ($((SECONDS - start)) s): $totals"
    fi
done

# The number of distinct colours of a PNG, 0 when it cannot be read.
colours() { identify -format '%k' "$1" 2>/dev/null || echo 0; }
check_picture() { # check_picture PNG WHAT
    local count
    count=$(colours "$1")
    if [ "$count" -le "$min_colours" ]; then
        echo "xvfb: $2 $1 has $count colours: blank"
        return 1
    fi
    echo "xvfb: $2 $1: $(identify -format '%wx%h' "$1"), $count colours"
}

# The screenshot of the window on the sample incident, into a fresh store.
store=$work/sample-incident.timberline
rm -f "$store"
shot=$artifacts/sample-incident.png
start=$SECONDS
if QT_DEBUG_PLUGINS=1 timeout 300 "$build/app/timberline" --screenshot "$shot" --store "$store" \
    "$here/resources/sample-incident" >"$artifacts/screenshot.log" 2>&1; then
    # app/main.cpp sets QT_QPA_PLATFORM=offscreen for --screenshot, over the caller's: say which it used.
    platform=$(grep -o -m 1 'platforms/libq[a-z]*\.so" loaded library' "$artifacts/screenshot.log" |
        sed 's/.*libq\([a-z]*\)\.so.*/\1/' || true)
    echo "xvfb: timberline --screenshot took $((SECONDS - start)) s, platform plugin: ${platform:-unknown}"
    check_picture "$shot" "screenshot" || failed+=("screenshot")
else
    cat "$artifacts/screenshot.log" >&2
    echo "xvfb: timberline --screenshot failed"
    failed+=("screenshot")
fi

# The window itself on the X server, open on that store, captured from the screen. Without a window
# manager it sits at the top left of a black screen: it is drawn once the capture holds more colours.
if [ -f "$store" ]; then
    capture=$artifacts/sample-incident-x11.png
    QT_DEBUG_PLUGINS=1 "$build/app/timberline" --store "$store" >"$artifacts/window.log" 2>&1 &
    app_pid=$!
    drawn=0
    for _ in $(seq 60); do
        kill -0 "$app_pid" 2>/dev/null || break
        import -window root "$capture" 2>/dev/null || true
        if [ "$(colours "$capture")" -gt "$min_colours" ]; then
            drawn=1
            break
        fi
        sleep 1
    done
    if [ "$drawn" = 1 ]; then
        sleep 3 # the query and the histogram's workers settle
        import -window root "$capture"
    fi
    if ! kill -0 "$app_pid" 2>/dev/null; then
        cat "$artifacts/window.log" >&2
        echo "xvfb: the window exited early"
        failed+=("window")
    elif ! grep -q 'platforms/libqxcb\.so" loaded library' "$artifacts/window.log"; then
        echo "xvfb: the window did not load the xcb plugin"
        failed+=("window")
    else
        check_picture "$capture" "the X screen" || failed+=("window")
    fi
    kill "$app_pid" 2>/dev/null || true
    wait "$app_pid" 2>/dev/null || true
    app_pid=
fi
rm -f "$store"

echo "xvfb: logs and pictures in $artifacts"
[ ${#failed[@]} -eq 0 ] || fail "failed: ${failed[*]}"
