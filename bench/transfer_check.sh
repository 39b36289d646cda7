#!/usr/bin/env bash
# The one transfer this project can measure: h100_sxm's measured terms moved onto the H200's datasheet profile (the
# same die with HBM3e at 4.8 instead of 3.35 TB/s and a 60 instead of a 50 MB L2), checked on the committed H200
# measurements beside the H200-calibrated preset and h100_sxm used as it is (docs/model.md, "Transferred profiles").
# The same check with the GEMM configurations learned on the H100 and carried over (same compute capability) is
# bench_holdout's last table: build/bin/bench_holdout --prefix h200 --base h200 --gemm-only [--gemm FILE].
#   bench/transfer_check.sh [BUILD_DIR]
set -eu
BUILD=${1:-build}
R="$BUILD/bin/roofline"
M=resources/measurements
ROOFLINE_LAB_DATA_DIR=$(mktemp -d)
export ROOFLINE_LAB_DATA_DIR
trap 'rm -rf "$ROOFLINE_LAB_DATA_DIR"' EXIT
"$R" transfer --from h100_sxm --to h200 --key h200_from_h100_sxm --name "NVIDIA H200 (transferred from h100_sxm)" --save
for FILE in h200_extended_cold h200_l2_warm h200_workload_shapes h200_gemm_calibration; do
    [ -f "$M/$FILE.json" ] || continue # the calibration plan's run (bench/plans/gemm_calibration.json), once committed
    for HW in h200_from_h100_sxm h200 h100_sxm; do
        for MODE in refined realistic; do
            printf '%-22s %-20s %-9s ' "$FILE" "$HW" "$MODE"
            "$R" validate --hardware "$HW" --mode "$MODE" "$M/$FILE.json" | grep -E '^[0-9]+ compared'
        done
    done
done
python3 bench/workload_classes.py "$R" "$M/h200_workload_shapes.json" --hardware h200_from_h100_sxm --hardware h200 \
    --hardware h100_sxm --markdown
