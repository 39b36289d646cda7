#!/usr/bin/env bash
# The DGX Spark's architecture, checked on an amd64 machine (run as root; fresh_root.sh --arch arm64 comes here):
#   1. a fresh amd64 Debian 12 root cross-builds the app, the CLI, the CPU plugin and the tests for arm64 with
#      Debian's multiarch cross toolchain and the arm64 libraries (cmake/toolchains/aarch64-linux-gnu.cmake), and
#      runs the whole suite on arm64 under qemu-user (app tests offscreen);
#   2. builds the arm64 .deb packages and checks them (packaging/check_packages.sh, their binaries under qemu-user);
#   3. installs them with apt into a fresh arm64 root, where every program is arm64, and runs `roofline --version`,
#      `roofline hardware list` and a validation of the plan's GB10 measurements with the installed binaries.
# Exits non-zero on any failure. Why cross-built: compiled under qemu-user, one core source file takes about nine
# minutes on a 2-core machine (measured 2026-12-01), three hours or more for the tree; natively on a Spark the
# README's own commands build it. Run it before a release, not while other work builds (about 45 minutes, both
# cores).
#   .ci/fresh_root_arm64.sh [--keep] [--root DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/parts.sh
source .ci/roots.sh

root=""
while [ $# -gt 0 ]; do
    case $1 in
    --keep) roots_keep=1; shift ;;
    --root) root=$2; shift 2 ;;
    *) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 1 ;;
    esac
done
[ "$(id -u)" -eq 0 ] || { echo "fresh_root_arm64: run as root (debootstrap and chroot need it)" >&2; exit 1; }
[ -n "$root" ] || root=$(mktemp -d /tmp/roofline-arm64.XXXXXX)
mkdir -p "$root"
builder=$root/builder target=$root/target
out=${FRESH_ROOT_OUT:-$PWD/fresh-root-out}
mkdir -p "$out"
build=/build-arm64
trap remove_roots EXIT

# quickstart.sh's packages, the libraries as arm64 (package:arm64) and the tools as the builder's own; Qt's moc,
# rcc and uic (qt6-base-dev-tools) are Multi-Arch: foreign, so the amd64 ones serve the arm64 Qt.
cross_packages=(crossbuild-essential-arm64 cmake ninja-build pkg-config nlohmann-json3-dev qt6-base-dev-tools
                qt6-base-dev:arm64 libqt6opengl6-dev:arm64 qt6-charts-dev:arm64 qt6-qpa-plugins:arm64 libgl-dev:arm64
                libxkbcommon-dev:arm64 fonts-dejavu-core libopenblas-dev:arm64 dpkg-dev file)

host_tools() {
    packaging/install_missing_packages.sh debootstrap && enable_emulation arm64
}

builder_packages() {
    in_root "$builder" "dpkg --add-architecture arm64 && apt-get update -qq && apt-get install -y -qq --no-install-recommends \
        ${cross_packages[*]} >/tmp/cross_packages.log 2>&1 || { tail -30 /tmp/cross_packages.log; exit 1; }" \
        DEBIAN_FRONTEND=noninteractive || return
    echo "installed: ${cross_packages[*]}"
}

cross_build() {
    in_root "$builder" "cmake -S . -B $build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/aarch64-linux-gnu.cmake -DROOFLINE_TEST_TIMEOUT_S=3000 >/tmp/configure.log 2>&1 || { tail -40 /tmp/configure.log; exit 1; }
        cmake --build $build --parallel $(nproc) >/tmp/build.log 2>&1; status=\$?; tail -3 /tmp/build.log
        [ \$status -eq 0 ] || { grep -B2 -A12 -m3 'error' /tmp/build.log; exit \$status; }
        file $build/bin/roofline | sed 's/, BuildID.*//'" >"$out/arm64_build.log" 2>&1
    local status=$?
    tail -4 "$out/arm64_build.log"
    return $status
}

# The suite on arm64: tests that start child processes through QProcess skip under qemu-user and say why
# (tests/emulation.h); they are listed here, never passed in silence.
arm64_tests() {
    local status=0
    # QtTest's own limit of 300 s a test function, like CTest's (ROOFLINE_TEST_TIMEOUT_S), is raised tenfold.
    in_root "$builder" "ctest --test-dir $build --output-on-failure --parallel $(nproc)" ROOFLINE_EMULATED=qemu-user \
        QTEST_FUNCTION_TIMEOUT=3000000 \
        >"$out/arm64_tests.log" 2>&1 || status=$?
    grep -E "tests passed|tests failed|The following tests|Failed|\*\*\*Skipped|Not Run" "$out/arm64_tests.log" || true
    echo "skipped under emulation:"
    grep -hE "^(SKIP|QWARN .*SKIP)" "$builder$build/Testing/Temporary/LastTest.log" | sed 's/^/  /' | sort | uniq -c || true
    [ $status -eq 0 ] || { tail -60 "$out/arm64_tests.log"; return $status; }
}

arm64_packages() {
    in_root "$builder" "packaging/check_packages.sh $build" DEB_HOST_ARCH=arm64 QT_QPA_PLATFORM=offscreen || return
    local deb
    for deb in "$builder$build"/packages/*.deb; do
        echo "$(basename "$deb"): Architecture $(dpkg-deb -f "$deb" Architecture)"
        [ "$(dpkg-deb -f "$deb" Architecture)" = arm64 ] || { echo "$deb is not arm64" >&2; return 1; }
    done
}

install_in_arm64_root() {
    mkdir -p "$target/tmp/debs" && cp "$builder$build"/packages/roofline-lab_*.deb "$target/tmp/debs/" &&
        cp resources/measurements/gb10_seed_measurements.json "$target/tmp/" || return
    in_root "$target" "apt-get update -qq && apt-get install -y -qq --no-install-recommends /tmp/debs/roofline-lab_*.deb \
        >/tmp/install.log 2>&1 || { tail -30 /tmp/install.log; exit 1; }" DEBIAN_FRONTEND=noninteractive || return
    in_root "$target" "apt-get install -y -qq file >/dev/null 2>&1; uname -m; file -L /usr/bin/roofline /usr/bin/roofline-lab | sed 's/, BuildID.*//'
        roofline --version && roofline hardware list | head -3 && roofline hardware list | grep -c . &&
        roofline validate --hardware b10 /tmp/gb10_seed_measurements.json | tail -4" ROOFLINE_LAB_DATA_DIR=/tmp/data
}

echo "fresh_root_arm64: builder (amd64) $builder, target (arm64) $target; logs in $out"
part "arm64: host tools (debootstrap, qemu-user through binfmt_misc)" host_tools
part "arm64: the builder root (amd64)" make_root "$builder" "$(dpkg --print-architecture)" "$out/debootstrap_builder.log"
part "arm64: copy the checkout" copy_checkout "$builder"
part "arm64: cross toolchain and arm64 libraries" builder_packages
part "arm64: cross-build app, CLI, CPU plugin, tests" cross_build
part "arm64: the whole suite under qemu-user" arm64_tests
part "arm64: .deb packages built and checked" arm64_packages
part "arm64: a fresh arm64 root" make_root "$target" arm64 "$out/debootstrap_target.log"
part "arm64: installed there and run" install_in_arm64_root
parts_summary
