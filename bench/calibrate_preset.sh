#!/usr/bin/env bash
# Refits the calibrated tables of a preset from its committed measurements (run from the repository root after a
# new device run). The datasheet figures stay: ideal mode keeps showing them.
#   bench/calibrate_preset.sh [BUILD_DIR] [PREFIX]
# PREFIX names the measurement files resources/measurements/PREFIX_{extended_cold,l2_warm,ceilings,llm}.json and, below,
# the preset they refit: h100 (default) -> h100_sxm, h200 -> h200.
set -eu
BUILD=${1:-build}
PREFIX=${2:-h100}
case $PREFIX in
h100) KEY=h100_sxm NAME="NVIDIA H100 SXM5 80GB" ;;
h200) KEY=h200 NAME="NVIDIA H200 SXM 141GB" ;;
*) echo "unknown prefix '$PREFIX' (known: h100, h200)" >&2; exit 2 ;;
esac
M=resources/measurements
# The attention and FFN rows of an llm plan run (issue 14), where they are committed, fit those kinds' terms.
RUNS=("$M/${PREFIX}_extended_cold.json" "$M/${PREFIX}_l2_warm.json")
[ -f "$M/${PREFIX}_llm.json" ] && RUNS+=("$M/${PREFIX}_llm.json")
"$BUILD/bin/roofline" calibrate "${RUNS[@]}" \
    --ceilings "$M/${PREFIX}_ceilings.json" --base "$KEY" --key "$KEY" --name "$NAME" -o "resources/hardware/$KEY.json"
