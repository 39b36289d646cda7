#!/usr/bin/env bash
# Refits the calibrated tables of the h100_sxm preset from the committed H100 measurements (run from the
# repository root after a new device run). The datasheet figures stay: ideal mode keeps showing them.
#   bench/calibrate_preset.sh [BUILD_DIR]
set -eu
BUILD=${1:-build}
M=resources/measurements
"$BUILD/bin/roofline" calibrate "$M/h100_extended_cold.json" "$M/h100_l2_warm.json" --ceilings "$M/h100_ceilings.json" \
    --base h100_sxm --key h100_sxm --name "NVIDIA H100 SXM5 80GB" -o resources/hardware/h100_sxm.json
