#!/usr/bin/env bash
# Refits the calibrated tables of a preset from its committed measurements (run from the repository root after a
# new device run). The datasheet figures stay: ideal mode keeps showing them.
#   bench/calibrate_preset.sh [BUILD_DIR] [PREFIX]
# PREFIX names the measurement files resources/measurements/PREFIX_{extended_cold,l2_warm,ceilings,gemm_calibration,llm,
# layers}.json and, below,
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
# Where they are committed: the GEMM calibration plan's run (the models' projections; the configurations the library
# ran become the profile's gemm_configs), the llm plan's (attention and FFN) and the layers plan's (the elementwise
# kinds) fit those kinds' terms too.
RUNS=("$M/${PREFIX}_extended_cold.json" "$M/${PREFIX}_l2_warm.json")
for run in gemm_calibration llm layers; do
    [ -f "$M/${PREFIX}_$run.json" ] && RUNS+=("$M/${PREFIX}_$run.json")
done
"$BUILD/bin/roofline" calibrate "${RUNS[@]}" \
    --ceilings "$M/${PREFIX}_ceilings.json" --base "$KEY" --key "$KEY" --name "$NAME" -o "resources/hardware/$KEY.json"
