#!/usr/bin/env bash
# The GPU measurements behind resources/measurements/ and docs/, in batches for the device machine:
#   bench/device_batch.sh build          configure and build roofline + the CUDA plugin (fat binary) in $BUILD
#   bench/device_batch.sh plugin-checks  cuobjdump archs, compute-sanitizer on a smoke plan
#   bench/device_batch.sh default        the plan's default shapes (cold) and the measured ceilings
#   bench/device_batch.sh sweep          the extended sweep (cold) and the L2-resident plan (warm)
#   bench/device_batch.sh repeat         the extended sweep again, minutes later: how repeatable the numbers are
#   bench/device_batch.sh flushcompare   the default plan with nvbench's memset flush, to compare with the read flush
#   bench/device_batch.sh check          cuda_plugin_check (every kernel x precision against its reference)
#   bench/device_batch.sh workload       bench/plans/workload_shapes.json (held out from calibration: real layers' shapes)
#   bench/device_batch.sh workload-repeat the workload shapes again, minutes later
#   bench/device_batch.sh gemm-calibration bench/plans/gemm_calibration.json (issue 13: the models' projections at 2-8192
#                                        tokens, their GEMVs, odd sizes, six precisions; 2654 cases, about 4.4 min)
#   bench/device_batch.sh ceilings       `roofline ceilings` alone (DRAM, L2, launch, and the eager and graph launch gaps)
#   bench/device_batch.sh torch          PyTorch comparison of the default, extended and workload-shapes results
#   bench/device_batch.sh llm            the llm plan (attention and FFN of the built-in models; needs cuDNN for attention)
#   bench/device_batch.sh layers         the layers plan (the elementwise kernels of the built-in models' steps)
#   bench/device_batch.sh llm-torch      PyTorch's SDPA and unfused FFN on the llm plan's shapes, as a results file too
#   bench/device_batch.sh llm-steps      whole decode and prefill steps of the built-in models in PyTorch, CUDA graphs
#                                        (bench/llm_step.py; about 4 minutes of GPU time): ${PREFIX}_llm_steps.json
#   bench/device_batch.sh ggml-build     configure $BUILD again with the ggml plugin on ggml's CUDA backend (GGML_DIR:
#                                        a ggml or llama.cpp tree, default ../shared/vendor/ggml) and build it
#   bench/device_batch.sh ggml-check     ggml_plugin_check: every op of the plugin on the GPU, checked against its
#                                        references, cold and warm
#   bench/device_batch.sh ggml           bench/plans/ggml_device.json (the part of the ggml plan one call runs: the
#                                        built-in models' ggml ops, cold; make_ggml_device_plan.py): ${PREFIX}_ggml.json
#   bench/device_batch.sh ggml-full      the whole ggml plan (1600 cases): ${PREFIX}_ggml_full.json
# PREFIX (default h100) names the files: PREFIX=h200 for an H200. ROOFLINE_CUDA_ARCHITECTURES=90-real builds the
# plugin for Hopper alone (seconds instead of minutes; the sm_90 code is the same as in the fat binary).
# Results and logs go to $OUT (default ./device-out). Leaves the GPU's clocks and settings alone.
set -u
OUT=${OUT:-$PWD/device-out}
BUILD=${BUILD:-/tmp/roofline-build}
PREFIX=${PREFIX:-h100}
mkdir -p "$OUT"
export PATH=/usr/local/cuda/bin:$PATH
ROOFLINE=$BUILD/bin/roofline
PLUGIN=$BUILD/lib/roofline-lab/libroofline_cuda.so
status=0

step() {
    case $1 in
    build)
        nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm,power.limit --format=csv
        local archs=()
        [ -n "${ROOFLINE_CUDA_ARCHITECTURES:-}" ] && archs=("-DROOFLINE_CUDA_ARCHITECTURES=$ROOFLINE_CUDA_ARCHITECTURES")
        { cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DROOFLINE_BUILD_APP=OFF -DBUILD_TESTING=OFF \
              -DROOFLINE_BUILD_CPU_PLUGIN=OFF "${archs[@]}" &&
          time ninja -C "$BUILD" roofline roofline_cuda; } > "$OUT/build.log" 2>&1 || { tail -30 "$OUT/build.log"; return 1; }
        tail -3 "$OUT/build.log" ;;
    plugin-checks)
        cuobjdump --list-elf "$PLUGIN" | sed -E 's/.*(sm_[0-9]+a?).*/\1/' | sort | uniq -c
        cuobjdump --list-ptx "$PLUGIN" | sed -E 's/.*(sm_[0-9]+a?).*/\1/' | sort | uniq -c | sed 's/$/ (PTX)/'
        timeout 400 compute-sanitizer --tool memcheck --error-exitcode 9 "$ROOFLINE" bench --plan smoke \
            --out "$OUT/sanitizer_smoke.json" > "$OUT/sanitizer.txt" 2>&1
        echo "compute-sanitizer exit $?"; grep -E "ERROR SUMMARY|cases measured" "$OUT/sanitizer.txt" ;;
    default)
        "$ROOFLINE" bench --plan default --out "$OUT/${PREFIX}_default.json" | tail -30
        "$ROOFLINE" ceilings --out "$OUT/${PREFIX}_ceilings.json" ;;
    sweep)
        "$ROOFLINE" bench --plan extended --out "$OUT/${PREFIX}_extended_cold.json" | tail -8
        "$ROOFLINE" bench --plan bench/plans/l2_warm.json --out "$OUT/${PREFIX}_l2_warm.json" | tail -8 ;;
    repeat)
        "$ROOFLINE" bench --plan extended --out "$OUT/${PREFIX}_extended_cold_repeat.json" | tail -3 ;;
    workload)
        "$ROOFLINE" bench --plan bench/plans/workload_shapes.json --out "$OUT/${PREFIX}_workload_shapes.json" | tail -3 ;;
    gemm-calibration)
        "$ROOFLINE" bench --plan bench/plans/gemm_calibration.json --out "$OUT/${PREFIX}_gemm_calibration.json" | tail -3 ;;
    ceilings)
        "$ROOFLINE" ceilings --out "$OUT/${PREFIX}_ceilings.json" ;;
    workload-repeat)
        "$ROOFLINE" bench --plan bench/plans/workload_shapes.json --out "$OUT/${PREFIX}_workload_shapes_repeat.json" | tail -3 ;;
    flushcompare)
        ROOFLINE_CUDA_L2_FLUSH=write "$ROOFLINE" bench --plan default --out "$OUT/${PREFIX}_default_memset_flush.json" | tail -3 ;;
    check)
        # tests/gpu/device_run.sh builds the plugin on its own (sm_90 only) with the check driver and runs it.
        OUT="$OUT" BUILD="$BUILD-check" bash tests/gpu/device_run.sh build check | tail -4
        return "${PIPESTATUS[0]}" ;;
    torch)
        # This call's results where it made them, else the committed ones (the device empties $OUT between calls).
        local inputs=()
        for name in default extended_cold workload_shapes; do
            if [ -f "$OUT/${PREFIX}_$name.json" ]; then inputs+=("$OUT/${PREFIX}_$name.json")
            elif [ -f "resources/measurements/${PREFIX}_$name.json" ]; then inputs+=("resources/measurements/${PREFIX}_$name.json"); fi
        done
        PYTHONUNBUFFERED=1 python3 bench/compare_torch.py "${inputs[@]}" \
            --markdown "$OUT/torch_comparison.md" --json "$OUT/torch_comparison.json" | tail -70 ;;
    llm)
        "$ROOFLINE" bench --plan llm --out "$OUT/${PREFIX}_llm.json" | tail -8 ;;
    layers)
        "$ROOFLINE" bench --plan layers --out "$OUT/${PREFIX}_layers.json" | tail -8 ;;
    llm-torch)
        local llm="$OUT/${PREFIX}_llm.json"
        [ -f "$llm" ] || llm="resources/measurements/${PREFIX}_llm.json"
        PYTHONUNBUFFERED=1 python3 bench/compare_torch.py "$llm" --markdown "$OUT/torch_llm_comparison.md" \
            --json "$OUT/torch_llm_comparison.json" --torch-results "$OUT/${PREFIX}_llm_torch.json" | tail -40 ;;
    llm-steps)
        python3 -c "import torch, triton; print('torch', torch.__version__, 'CUDA', torch.version.cuda, 'triton', triton.__version__)"
        PYTHONUNBUFFERED=1 python3 bench/llm_step.py --out "$OUT/${PREFIX}_llm_steps.json" > "$OUT/llm_steps.log" 2>&1
        local rc=$?
        tail -25 "$OUT/llm_steps.log"
        return $rc ;;
    ggml-build)
        local archs=${ROOFLINE_CUDA_ARCHITECTURES:-90-real}
        { cmake -S . -B "$BUILD" -G Ninja -DROOFLINE_GGML_DIR="${GGML_DIR:-../shared/vendor/ggml}" -DGGML_CUDA=ON \
              -DCMAKE_CUDA_ARCHITECTURES="$archs" &&
          time ninja -C "$BUILD" roofline roofline_ggml ggml_plugin_check; } > "$OUT/ggml_build.log" 2>&1 ||
            { tail -30 "$OUT/ggml_build.log"; return 1; }
        grep -E "ggml-plugin|ggml version|ggml commit" "$OUT/ggml_build.log" | head -5; tail -3 "$OUT/ggml_build.log" ;;
    ggml-check)
        "$BUILD/bin/ggml_plugin_check" 2>&1 | tee "$OUT/ggml_check.txt" | tail -40
        return "${PIPESTATUS[0]}" ;;
    ggml)
        "$ROOFLINE" bench --plugin ggml --plan bench/plans/ggml_device.json --out "$OUT/${PREFIX}_ggml.json" | tail -12 ;;
    ggml-full)
        "$ROOFLINE" bench --plugin ggml --plan ggml --out "$OUT/${PREFIX}_ggml_full.json" | tail -12 ;;
    *) echo "unknown step $1"; return 2 ;;
    esac
}

for s in "$@"; do
    echo "=== $s ($(date +%T))"
    SECONDS=0
    step "$s" || { echo "=== $s failed"; status=1; }
    echo "=== $s took ${SECONDS}s"
done
exit $status
