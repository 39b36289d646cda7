#!/usr/bin/env bash
# The README's two commands on a fresh machine: a minimal Debian 12 root (debootstrap --variant=minbase), a copy of
# this checkout in it, and there
#   1. ./quickstart.sh test            installs every package itself, builds everything, runs the whole suite;
#   2. every tests/**/tst_*.cpp is registered with CTest (only `gpu` tests may skip, and they say why);
#   3. the app starts offscreen (--exit-when-shown) and writes a screenshot that is not blank; without a display
#      and without QT_QPA_PLATFORM it says how to get one instead of aborting;
#   4. configure without libqt6opengl6-dev fails with a message that names it.
# Run as root (CI is root). Needs debootstrap (installed when missing) and Debian's archive.
#   .ci/fresh_root.sh [--arch arm64] [--keep] [--root DIR] [--ccache DIR]
#     --arch   arm64: the DGX Spark's architecture, checked by .ci/fresh_root_arm64.sh (cross-built, then tested,
#              packaged and installed in arm64 roots under qemu-user); default the host's
#     --keep   leave the root in place (default: removed at the end)
#     --root   where to make it (default: a new folder under /tmp)
#     --ccache the compile cache of a GCC build of this checkout here (.ci/run's): the root's build takes its
#              objects from it instead of compiling them a second time. The checkout then sits at this same path in
#              the root (the build's absolute paths, and so its cache keys, match) and ccache is the one package
#              put in ahead of the README's command; every package the build needs, it still installs itself.
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/parts.sh
source .ci/roots.sh

arch=$(dpkg --print-architecture)
keep=0
root=""
ccache_dir=""
while [ $# -gt 0 ]; do
    case $1 in
    --arch) arch=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    --root) root=$2; shift 2 ;;
    --ccache) ccache_dir=$(realpath "$2"); shift 2 ;;
    *) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 1 ;;
    esac
done
if [ "$arch" != "$(dpkg --print-architecture)" ]; then
    [ "$arch" = arm64 ] || { echo "fresh_root: --arch $arch: only arm64 is checked besides the host's" >&2; exit 1; }
    [ -z "$ccache_dir" ] || { echo "fresh_root: --ccache is for the host's architecture only" >&2; exit 1; }
    exec .ci/fresh_root_arm64.sh $([ $keep -eq 1 ] && echo --keep) ${root:+--root "$root"}
fi
roots_keep=$keep
[ "$(id -u)" -eq 0 ] || { echo "fresh_root: run as root (debootstrap and chroot need it)" >&2; exit 1; }
[ -n "$root" ] || root=$(mktemp -d /tmp/roofline-fresh-root.XXXXXX)
out=${FRESH_ROOT_OUT:-$PWD/fresh-root-out}
mkdir -p "$out"

host_packages() {
    packaging/install_missing_packages.sh debootstrap
}

trap remove_roots EXIT

build_env=()
if [ -n "$ccache_dir" ]; then
    [ -d "$ccache_dir" ] || { echo "fresh_root: --ccache $ccache_dir: no such folder" >&2; exit 1; }
    roots_src=$PWD
    build_env=(CCACHE_DIR="$ccache_dir" CMAKE_C_COMPILER_LAUNCHER=ccache CMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi

compile_cache() {
    bind_into_root "$root" "$ccache_dir" || return
    in_root "$root" "packaging/install_missing_packages.sh ccache && ccache --zero-stats >/dev/null" "${build_env[@]}"
}

# Each step below runs inside `part ... || ...`, where bash ignores set -e: every command checks its own status.
quickstart_test() {
    local status=0
    in_root "$root" "./quickstart.sh test" "${build_env[@]}" >"$out/quickstart_test.log" 2>&1 || status=$?
    grep -E "^Installing|tests passed|tests failed|The following tests|Failed|Not Run|\*\*\*Skipped" "$out/quickstart_test.log" || true
    [ $status -eq 0 ] || { tail -60 "$out/quickstart_test.log"; return $status; }
    [ -z "$ccache_dir" ] || in_root "$root" "ccache --show-stats | grep -E 'Hits|Misses'" "${build_env[@]}" || true
}

tests_registered() {
    in_root "$root" ".ci/check_tests_registered.sh build"
}

app_offscreen() {
    local app="QT_QPA_PLATFORM=offscreen ROOFLINE_LAB_DATA_DIR=/tmp/app-data timeout 120 build/bin/roofline-lab"
    in_root "$root" "$app --exit-when-shown" || return
    in_root "$root" "$app --screenshot-tab validation --screenshot-out /tmp/fresh_root_app.png --hardware b10 \
        resources/measurements/gb10_seed_measurements.json" || return
    cp "$root/tmp/fresh_root_app.png" "$out/fresh_root_app.png" || return
    python3 .ci/png_not_blank.py "$out/fresh_root_app.png" || return
    # No display and no platform asked for: a message that says how, and exit 1 (not Qt's abort).
    local message status=0
    message=$(in_root "$root" "build/bin/roofline-lab 2>&1") || status=$?
    if [ $status -ne 1 ] || ! grep -q "ssh -X" <<<"$message"; then
        echo "without a display the app said (exit $status): $message" >&2
        return 1
    fi
    echo "without a display: exit 1 and \"$(head -1 <<<"$message")\""
}

configure_without_opengl() {
    in_root "$root" "DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq libqt6opengl6-dev >/dev/null" || return
    local log status=0
    log=$(in_root "$root" "cmake -S . -B /tmp/build-without-opengl -G Ninja 2>&1") || status=$?
    echo "$log" > "$out/configure_without_opengl.log"
    if [ $status -eq 0 ]; then echo "configure without libqt6opengl6-dev succeeded; it must fail" >&2; return 1; fi
    grep -q "libqt6opengl6-dev" <<<"$log" || { echo "$log" | tail -20; echo "the error does not name libqt6opengl6-dev" >&2; return 1; }
    sed -n '/CMake Error/,/^-- Configuring incomplete/p' <<<"$log"
}

echo "fresh_root: Debian 12 ($suite, $arch, minbase) in $root; logs in $out"
part "fresh root: host tools" host_packages
part "fresh root: debootstrap" make_root "$root" "$arch" "$out/debootstrap.log"
part "fresh root: copy the checkout" copy_checkout "$root"
[ -z "$ccache_dir" ] || part "fresh root: the host build's compile cache (ccache)" compile_cache
part "fresh root: ./quickstart.sh test" quickstart_test
part "fresh root: every test registered" tests_registered
part "fresh root: the app offscreen, a screenshot, no-display message" app_offscreen
part "fresh root: configure without libqt6opengl6-dev fails naming it" configure_without_opengl
parts_summary
