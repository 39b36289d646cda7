#!/usr/bin/env bash
# The whole test suite (app tests included, offscreen) built with AddressSanitizer and UndefinedBehaviorSanitizer
# by Clang (the `asan` preset, which builds the libFuzzer targets in the same tree: .ci/fuzz.sh then runs them
# from it). A leak, a memory error or undefined behaviour fails the test that has it; no leak is suppressed (none
# of Qt's or fontconfig's showed up: a suppression would go in tests/lsan.supp, with its reason).
#   .ci/asan_suite.sh
set -euo pipefail
cd "$(dirname "$0")/.."
packaging/install_missing_packages.sh clang-14 libclang-rt-14-dev cmake ninja-build nlohmann-json3-dev qt6-base-dev \
    libqt6opengl6-dev qt6-charts-dev qt6-qpa-plugins libgl-dev libxkbcommon-dev fonts-dejavu-core libopenblas-dev
cmake --preset asan >/dev/null
cmake --build --preset asan --parallel "$(nproc)" | tail -1
ctest --preset asan --parallel "$(nproc)"
