#!/usr/bin/env bash
# Fails unless every tests/**/tst_*.cpp is a test that CTest knows in BUILD_DIR, so a test can never drop out of
# the suite silently (a missing package is a configure error instead; see cmake/RooflineDependencies.cmake).
#   .ci/check_tests_registered.sh [BUILD_DIR]      (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build}"

registered=$(ctest --test-dir "$build" -N | sed -nE 's/^ *Test +#[0-9]+: +([^ ]+).*/\1/p' | sort -u)
missing=()
count=0
while IFS= read -r source; do
    count=$((count + 1))
    name=$(basename "$source" .cpp)
    grep -qx "$name" <<<"$registered" || missing+=("$source")
done < <(find tests -name 'tst_*.cpp' | sort)

if [ ${#missing[@]} -gt 0 ]; then
    echo "check_tests_registered: ${#missing[@]} of $count test sources are not registered with CTest in $build:" >&2
    printf '  %s\n' "${missing[@]}" >&2
    exit 1
fi
echo "check_tests_registered: all $count test sources are registered in $build ($(wc -l <<<"$registered") tests)"
