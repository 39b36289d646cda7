#!/usr/bin/env bash
# Refits the calibrated tables of a preset from its committed measurements (run from the repository root after a
# new device run). The datasheet figures stay: ideal mode keeps showing them.
#   bench/calibrate_preset.sh [BUILD_DIR] [PREFIX]
# PREFIX names the measurement files resources/measurements/PREFIX_{extended_cold,l2_warm,ceilings}.json and, below,
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
"$BUILD/bin/roofline" calibrate "$M/${PREFIX}_extended_cold.json" "$M/${PREFIX}_l2_warm.json" \
    --ceilings "$M/${PREFIX}_ceilings.json" --base "$KEY" --key "$KEY" --name "$NAME" -o "resources/hardware/$KEY.json"
