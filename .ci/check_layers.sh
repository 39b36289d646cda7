#!/usr/bin/env bash
# Holds every #include in core/, cli/, app/, gpu/, tests/ and bench/ to the architecture (docs/architecture.md) and
# fails, naming file and line, on each one that breaks it:
#   core/<module>  includes its own private headers (beside the file) and the public headers of its own module and
#                  of the modules below it in the order below, never one above
#   cli/, app/     include the core's public headers only (roofline/<module>/...), never a module's private ones
#   app/<view>/    includes its own folder and shared/ only (no other view); app/shared/ includes shared/ only
#   gpu/           includes nothing of the core but the plugin ABI (roofline/abi/...); nor do the fake plugins. A
#                  plugin includes its own headers and gpu/host/ (what the plugins share about the host) only
#   tests/, bench/ include only headers that exist (a core header by its module's path)
#   .ci/check_layers.sh [ROOT]       check the tree at ROOT (default: this checkout)
#   .ci/check_layers.sh --self-test  plant one bad include of each kind in a copy and show that each is caught
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"

modules=(abi support model hardware workloads results plugin_host benchmarking calibration)

check() {
    local root=$1
    cd "$root"
    declare -A level
    local i
    for i in "${!modules[@]}"; do
        level[${modules[$i]}]=$i
    done
    local errors=0 checked=0 file line text inc dir
    local include_re='^[[:space:]]*#[[:space:]]*include[[:space:]]*["<]([^">]+)[">]'
    while IFS= read -r hit; do
        file=${hit%%:*}
        text=${hit#*:}
        line=${text%%:*}
        text=${text#*:}
        [[ $text =~ $include_re ]] || continue
        inc=${BASH_REMATCH[1]}
        checked=$((checked + 1))
        dir=$(dirname "$file")
        local why=""
        local top=${file%%/*}
        if [[ $inc == roofline/* ]]; then
            local rest=${inc#roofline/} target=${inc#roofline/}
            target=${target%%/*}
            if [ -z "${level[$target]+set}" ] || [ "$target" = "$rest" ]; then
                why="includes $inc, which names no core module"
            elif [ ! -f "core/$target/include/$inc" ] && [ "$inc" != roofline/support/version.h ]; then
                why="includes $inc, which is no public header of core/$target"
            elif [ "$top" = core ]; then
                local own=${file#core/}
                own=${own%%/*}
                if [ "${level[$target]}" -gt "${level[$own]}" ]; then
                    why="core/$own includes $inc: $target stands above $own (${modules[*]})"
                fi
            elif { [ "$top" = gpu ] || [[ $file == tests/fakes/* ]]; } && [ "$target" != abi ]; then
                why="a plugin includes $inc: gpu/ may include only the plugin ABI (roofline/abi/...)"
            fi
        elif [[ $text =~ \#[[:space:]]*include[[:space:]]*\< ]]; then
            continue # a system or third-party header
        elif [ "$top" = tests ] || [ "$top" = bench ]; then
            continue # tests and benchmarks include their own helpers as they like
        elif [ "$top" = app ] && [[ $inc == */* ]]; then
            local folder=${inc%%/*} from=${file#app/}
            from=${from%/*}
            [[ $file == app/*/* ]] || from=""
            if [ ! -f "app/$inc" ]; then
                why="includes $inc, which is not in app/"
            elif [ "$from" = shared ] && [ "$folder" != shared ]; then
                why="app/shared includes $inc: the shared parts include only shared/, never a view"
            elif [ -n "$from" ] && [ "$folder" != shared ] && [ "$folder" != "$from" ]; then
                why="app/$from includes $inc: a view includes only its own folder and shared/"
            fi
        elif [ "$top" = gpu ] && [[ $inc == host/* ]]; then
            [ -f "gpu/$inc" ] || why="includes $inc, which is not in gpu/host/" # what the plugins share about the host
        elif [ ! -f "$dir/$inc" ] || [[ $(realpath -m "$dir/$inc") != "$(realpath -m "$dir")"/* ]]; then
            why="includes \"$inc\", which is not a header beside it (another module's private header?)"
        fi
        if [ -n "$why" ]; then
            echo "$file:$line: $why" >&2
            errors=$((errors + 1))
        fi
    done < <(grep -rnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*["<]' core cli app gpu tests bench \
                 --include='*.h' --include='*.hpp' --include='*.cpp' --include='*.c' --include='*.cu' --include='*.cuh' || true)
    if [ "$errors" -gt 0 ]; then
        echo "check_layers: $errors of $checked includes break the layering (docs/architecture.md)" >&2
        return 1
    fi
    echo "check_layers: all $checked includes in core/, cli/, app/, gpu/, tests/ and bench/ keep the layering"
}

self_test() {
    local copy
    copy=$(mktemp -d /tmp/roofline-layers.XXXXXX)
    trap 'rm -rf "$copy"' RETURN
    cp -r "$here/core" "$here/cli" "$here/app" "$here/gpu" "$here/tests" "$here/bench" "$copy/"
    # One bad include of each kind, each on a line of its own at the top of a real file.
    local -a planted=(
        'core/model/src/calculator.cpp|#include "roofline/results/validation.h"|stands above'
        'cli/cmd_predict.cpp|#include "json_util.h"|not a header beside it'
        'app/calculator/calculatortab.cpp|#include "validation/validationtab.h"|a view includes only'
        'app/shared/settings.cpp|#include "model/modelview.h"|the shared parts include only shared'
        'gpu/cpu/cpu_plugin.cpp|#include "roofline/model/calculator.h"|only the plugin ABI'
        'core/support/src/errors.cpp|#include "../../results/src/row_pipeline.h"|not a header beside it'
        'tests/fakes/fake_plugin.c|#include "roofline/plugin_abi.h"|names no core module'
    )
    local entry file inc expect caught=0
    for entry in "${planted[@]}"; do
        IFS='|' read -r file inc expect <<<"$entry"
        sed -i "1i $inc" "$copy/$file"
    done
    local out
    if out=$(check "$copy" 2>&1); then
        echo "check_layers --self-test: the planted includes passed the check" >&2
        return 1
    fi
    for entry in "${planted[@]}"; do
        IFS='|' read -r file inc expect <<<"$entry"
        if grep -q "^$file:1: .*$expect" <<<"$out"; then
            caught=$((caught + 1))
        else
            echo "check_layers --self-test: $file:1 ($inc) was not reported as expected" >&2
        fi
    done
    if [ "$(grep -c '' <<<"$out")" -ne $((${#planted[@]} + 1)) ]; then
        echo "check_layers --self-test: the copy reported more than what was planted:" >&2
        echo "$out" >&2
        return 1
    fi
    [ "$caught" -eq ${#planted[@]} ] || return 1
    echo "check_layers --self-test: all ${#planted[@]} planted includes caught, each with its file and line:"
    sed 's/^/  /' <<<"$out"
}

if [ "${1:-}" = --self-test ]; then
    self_test
else
    check "${1:-$here}"
fi
