# Sourced by .ci/run and .ci/fresh_root.sh: run named parts, print how long each took, and a table at the end.
#   part "name" command args...     runs the command; a failure stops the script (set -e) after printing its time
#   parts_summary                   the table of every part so far
ci_part_names=()
ci_part_seconds=()

part() {
    local name=$1
    shift
    echo "=== $name ($(date -u +%T))"
    local start=$SECONDS status=0
    "$@" || status=$?
    local took=$((SECONDS - start))
    ci_part_names+=("$name")
    ci_part_seconds+=("$took")
    if [ $status -ne 0 ]; then
        echo "=== $name FAILED (exit $status) after ${took}s"
        parts_summary
        return $status
    fi
    echo "=== $name took ${took}s"
}

parts_summary() {
    echo "--- time per part"
    local i total=0
    for i in "${!ci_part_names[@]}"; do
        printf '%6ss  %s\n' "${ci_part_seconds[$i]}" "${ci_part_names[$i]}"
        total=$((total + ci_part_seconds[i]))
    done
    printf '%6ss  in all\n' "$total"
}
