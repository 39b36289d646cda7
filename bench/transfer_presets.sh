#!/usr/bin/env bash
# Regenerates the realistic and refined tables of the presets that have no measurements of their own, by the
# transfer rule of core/calibration/src/profile_transfer.cpp (docs/model.md, "Transferred profiles"), from the committed
# measured presets (h100_sxm, h200). Each preset keeps its datasheet figures (ideal mode) and their sources; its
# source preset is the nearest measured architecture (`roofline transfer` without --from). Run from the repository
# root after building; rebuild afterwards, since the presets are compiled in (tst_profile_transfer checks that the
# committed presets are what the rule gives).
#   bench/transfer_presets.sh [BUILD_DIR]
set -eu
BUILD=${1:-build}
# The presets alone: a user profile of the same key must not stand in for one.
ROOFLINE_LAB_DATA_DIR=$(mktemp -d)
export ROOFLINE_LAB_DATA_DIR
trap 'rm -rf "$ROOFLINE_LAB_DATA_DIR"' EXIT
for KEY in h100_pcie b200 gb200 a100_sxm l40s rtx_5090 rtx_pro_6000 rtx_4090 rtx_4080 rtx_3090 l4 t4 a10 a100_pcie \
    a100_pcie_40gb; do
    "$BUILD/bin/roofline" transfer --to "$KEY" -o "resources/hardware/$KEY.json"
done
