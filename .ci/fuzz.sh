#!/usr/bin/env bash
# Every file reader under libFuzzer with ASan + UBSan (tests/fuzz/), and the results reader's JSON reader against
# nlohmann's (fuzz_json): each target starts from its seed corpus and runs for SECONDS (or for RUNS executions);
# a crash, a hang (10 s on one input), a sanitizer report or an exception other than InputError fails it. New inputs go to a scratch folder, never into the tree; a failing
# input is kept in fuzz-out/ with what libFuzzer said.
#   .ci/fuzz.sh [--preset asan] [SECONDS]    default 60 each
#   .ci/fuzz.sh [--preset asan] --runs N      N executions each (the long run: --runs 10000000)
# --preset picks the tree: `fuzz` (default) builds the readers and their targets alone; `asan` is the whole
# sanitized tree .ci/asan_suite.sh builds, which holds the same targets.
set -euo pipefail
cd "$(dirname "$0")/.."
preset=fuzz
if [ "${1:-}" = "--preset" ]; then preset=$2; shift 2; fi
limit=(-max_total_time="${1:-60}")
if [ "${1:-}" = "--runs" ]; then limit=(-runs="$2"); fi

packages=(clang-14 libclang-rt-14-dev cmake ninja-build nlohmann-json3-dev)
packaging/install_missing_packages.sh "${packages[@]}"

cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" --parallel "$(nproc)" | tail -1
bin=build-$preset/bin
out=$PWD/fuzz-out
mkdir -p "$out"

# One target: its verdict line in $out/READER.verdict, its log in $out/READER.log.
fuzz_one() {
    local reader=$1 scratch log dict verdict runs speed
    scratch=$(mktemp -d)
    log="$out/$reader.log"
    dict=tests/fuzz/json.dict
    [ -f "tests/fuzz/$reader.dict" ] && dict="tests/fuzz/$reader.dict"
    if "$bin/fuzz_$reader" "${limit[@]}" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -dict="$dict" -print_final_stats=1 -artifact_prefix="$out/$reader-" \
        "$scratch" "tests/fuzz/corpus/$reader" >"$log" 2>&1; then
        verdict=ok
    else
        verdict=FAILED
    fi
    runs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+)/\1/p' "$log")
    speed=$(sed -nE 's/^stat::average_exec_per_sec: *([0-9]+)/\1/p' "$log")
    printf 'fuzz_%-11s %-6s %10s executions, %6s/s, corpus %s inputs\n' "$reader" "$verdict" "${runs:-?}" "${speed:-?}" \
        "$(ls "$scratch" | wc -l)" >"$out/$reader.verdict"
    rm -rf "$scratch"
}

# As many targets at once as there are cores: each is one process on one core, and each gets its whole time.
readers=(results plan hardware ceilings model_config gguf json)
for reader in "${readers[@]}"; do
    while [ "$(jobs -rp | wc -l)" -ge "$(nproc)" ]; do wait -n || true; done
    fuzz_one "$reader" &
done
wait

status=0
for reader in "${readers[@]}"; do
    cat "$out/$reader.verdict"
    if ! grep -q " ok " "$out/$reader.verdict"; then
        status=1
        grep -E "ERROR|SUMMARY|runtime error|accepted input|terminate|Test unit written" "$out/$reader.log" | head -20
    fi
done
exit $status
