#!/bin/sh
# Builds and runs the UI benchmark. On a display-less machine it runs under Xvfb (a real X server, as the
# screenshots do) when xvfb-run is installed, else on Qt's offscreen platform.
#   bench/app/run_uibench.sh [build-dir]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-"$here/../../build"}
cmake --build "$build" --target roofline_uibench
exe="$build/bin/roofline_uibench"
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
    if command -v xvfb-run >/dev/null 2>&1; then
        exec xvfb-run -a -s "-screen 0 1600x1000x24" "$exe"
    fi
    QT_QPA_PLATFORM=offscreen exec "$exe"
fi
exec "$exe"
