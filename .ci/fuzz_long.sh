#!/usr/bin/env bash
# The long fuzz run (issue 17: 10 million executions of every reader), spread over the cores of a bigger machine:
# all seven targets at once, each as JOBS libFuzzer jobs on one shared corpus whose executions add up to RUNS, for at
# most SECONDS. Prints each reader's executions, speed and verdict; exits 1 on any crash, hang, leak or sanitizer
# report (the inputs that caused it are kept in fuzz-long-out/).
#   [FUZZ_READERS="results:4 plan:2 …"] .ci/fuzz_long.sh BIN_DIR [RUNS] [CORES] [SECONDS]
#       BIN_DIR holds fuzz_<reader> built by `.ci/fuzz.sh` (the fuzz preset); RUNS 10000000, CORES nproc, SECONDS 3600
set -uo pipefail
cd "$(dirname "$0")/.."
bin=${1:?usage: .ci/fuzz_long.sh BIN_DIR [RUNS] [CORES] [SECONDS]}
runs=${2:-10000000}
cores=${3:-$(nproc)}
seconds=${4:-3600}
out=$PWD/fuzz-long-out
mkdir -p "$out"
readers=(results plan hardware ceilings model_config gguf json)
# The results reader is the slowest (a row pipeline per input): it gets the cores the others leave. FUZZ_READERS
# ("results:4 hardware:5 …") picks the readers and their jobs instead.
others=$(((cores - 1) / ${#readers[@]}))
[ "$others" -ge 1 ] || others=1
declare -A jobs_for
for reader in "${readers[@]}"; do jobs_for[$reader]=$others; done
jobs_for[results]=$((cores - others * (${#readers[@]} - 1) > 0 ? cores - others * (${#readers[@]} - 1) : 1))
if [ -n "${FUZZ_READERS:-}" ]; then
    readers=()
    for pair in $FUZZ_READERS; do
        readers+=("${pair%%:*}")
        jobs_for[${pair%%:*}]=${pair##*:}
    done
fi
jobs_of() { echo "${jobs_for[$1]}"; }

for reader in "${readers[@]}"; do
    jobs=$(jobs_of "$reader")
    dict=tests/fuzz/json.dict
    [ -f "tests/fuzz/$reader.dict" ] && dict="tests/fuzz/$reader.dict"
    corpus="$out/corpus-$reader"
    mkdir -p "$corpus" "$out/$reader"
    (cd "$out/$reader" && "$OLDPWD/$bin/fuzz_$reader" -jobs="$jobs" -workers="$jobs" -runs=$(((runs + jobs - 1) / jobs)) \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 -dict="$OLDPWD/$dict" -print_final_stats=1 \
        -artifact_prefix="$out/$reader-" "$corpus" "$OLDPWD/tests/fuzz/corpus/$reader" >"$out/$reader.log" 2>&1) &
done
wait

status=0
for reader in "${readers[@]}"; do
    logs=("$out/$reader"/fuzz-*.log)
    executed=$(cat "${logs[@]}" 2>/dev/null | sed -nE 's/^stat::number_of_executed_units: *([0-9]+)/\1/p' | awk '{s += $1} END {print s}')
    seconds_used=$(cat "${logs[@]}" 2>/dev/null | sed -nE 's/^Done [0-9]+ runs in ([0-9]+) second.*/\1/p' | sort -n | tail -1)
    findings=$(ls "$out/$reader"-* 2>/dev/null | wc -l)
    verdict=ok
    if [ "$findings" -gt 0 ] || grep -qE "ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error" "${logs[@]}" 2>/dev/null; then
        verdict=FAILED
        status=1
    fi
    printf 'fuzz_%-12s %-6s %11s executions in %5ss over %2s jobs, corpus %s inputs, %s findings\n' "$reader" "$verdict" \
        "${executed:-?}" "${seconds_used:-?}" "$(jobs_of "$reader")" "$(ls "$out/corpus-$reader" | wc -l)" "$findings"
    [ $verdict = ok ] || grep -hE "ERROR|SUMMARY|runtime error|Test unit written" "${logs[@]}" | head -10
done
exit $status
