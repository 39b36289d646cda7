#!/usr/bin/env bash
# The whole test suite (app tests included, offscreen) built with AddressSanitizer + UndefinedBehaviorSanitizer
# (the `asan` preset: GCC, Debug, no CUDA plugin). Any sanitizer report fails the test that printed it.
# Leaks inside Qt's and fontconfig's own one-time caches are suppressed by .ci/lsan.supp, each with its reason.
#   .ci/asan_suite.sh            configure, build and run ctest in build-asan/
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --preset asan >/dev/null
cmake --build --preset asan --parallel "$(nproc)" | tail -1
export QT_QPA_PLATFORM=offscreen
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export LSAN_OPTIONS="suppressions=$PWD/.ci/lsan.supp:print_suppressions=0"
# The label `gpu` skips itself here (no GPU); it still runs, so its skip path is sanitized too.
ctest --test-dir build-asan --output-on-failure --timeout 600 -j "$(nproc)"
