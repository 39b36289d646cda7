#!/usr/bin/env bash
# Builds the CUDA plugin on a GPU machine and checks it there, writing logs to $OUT (default ./device-out).
#   tests/gpu/device_run.sh STEP...     STEP: env build check quick sanitize cuobjdump qt qtcarried ceilings
# ROOFLINE_CUDA_ARCHITECTURES narrows the build (default 90 for quick iterations; "all" = the release list).
set -u
OUT=${OUT:-$PWD/device-out}
mkdir -p "$OUT"
ARCHS=${ROOFLINE_CUDA_ARCHITECTURES:-90}
BUILD=${BUILD:-/tmp/rl-cuda}
export PATH=/usr/local/cuda/bin:$PATH
PLUGIN=$BUILD/lib/roofline-lab/libroofline_cuda.so
status=0

# cuDNN (attention) from the nvidia-cudnn pip wheel where the system has none: its headers for the build, its
# library for the plugin's dlopen (the plugin also looks in the usual wheel folders itself).
CUDNN_WHEEL=$(python3 -c 'import nvidia.cudnn as m; print(list(m.__path__)[0])' 2>/dev/null)
CUDNN_CMAKE=
if [ -n "$CUDNN_WHEEL" ] && [ -f "$CUDNN_WHEEL/include/cudnn_graph.h" ]; then
    CUDNN_CMAKE="-DROOFLINE_CUDNN_INCLUDE_DIR=$CUDNN_WHEEL/include"
fi
if [ -z "${ROOFLINE_CUDNN_LIBRARY:-}" ] && ! ldconfig -p 2>/dev/null | grep -q 'libcudnn.so.9 '; then
    [ -n "$CUDNN_WHEEL" ] && [ -f "$CUDNN_WHEEL/lib/libcudnn.so.9" ] && export ROOFLINE_CUDNN_LIBRARY=$CUDNN_WHEEL/lib/libcudnn.so.9
fi

run_step() {
    case $1 in
    env)
        { nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm,clocks.max.mem,power.limit --format=csv
          nvcc --version | tail -2; cmake --version | head -1; ninja --version
          echo "Qt6 cmake dirs: $(ls /usr/lib/x86_64-linux-gnu/cmake 2>/dev/null | grep -ci qt6)"
          echo "nlohmann: $(ls -d /usr/include/nlohmann /usr/local/include/nlohmann 2>/dev/null)"
          echo "tools: $(command -v cuobjdump compute-sanitizer | tr '\n' ' ')"; nproc
          echo "cuDNN: system $(ldconfig -p 2>/dev/null | grep -c 'libcudnn.so.9 ') wheel ${CUDNN_WHEEL:-none}" \
               "ROOFLINE_CUDNN_LIBRARY=${ROOFLINE_CUDNN_LIBRARY:-}"; } > "$OUT/env.txt" 2>&1
        cat "$OUT/env.txt" ;;
    build)
        local archs=$ARCHS
        [ "$archs" = all ] && archs="80-real;86-real;89-real;90-real;100-real;120-real;121"
        { cmake -S gpu/cuda -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release "-DROOFLINE_CUDA_ARCHITECTURES=$archs" \
              ${CUDNN_CMAKE:+"$CUDNN_CMAKE"} &&
          time ninja -C "$BUILD"; } > "$OUT/build.log" 2>&1 || { tail -40 "$OUT/build.log"; return 1; }
        grep -iE "warning|error|cuDNN" "$OUT/build.log" | head -20; echo "built for $archs" ;;
    check)
        "$BUILD/bin/cuda_plugin_check" > "$OUT/check.txt" 2>&1; local rc=$?
        cat "$OUT/check.txt"; return $rc ;;
    quick)
        "$BUILD/bin/cuda_plugin_check" --quick > "$OUT/quick.txt" 2>&1; local rc=$?
        tail -5 "$OUT/quick.txt"; return $rc ;;
    sanitize)
        timeout "${SANITIZE_TIMEOUT_S:-300}" compute-sanitizer --tool memcheck --error-exitcode 9 "$BUILD/bin/cuda_plugin_check" --quick \
            > "$OUT/sanitizer.txt" 2>&1; local rc=$?
        grep -E "ERROR SUMMARY|cases as expected|Invalid|========= " "$OUT/sanitizer.txt" | head -30
        echo "compute-sanitizer exit $rc"; return $rc ;;
    cuobjdump)
        { cuobjdump --list-elf "$PLUGIN"; cuobjdump --list-ptx "$PLUGIN"; } > "$OUT/cuobjdump.txt" 2>&1
        sed -E 's/.*(sm_[0-9]+[a-z]?).*/\1/' "$OUT/cuobjdump.txt" | sort | uniq -c
        grep -i ptx "$OUT/cuobjdump.txt" | head -5 ;;
    qt)
        if [ "$(ls /usr/lib/x86_64-linux-gnu/cmake 2>/dev/null | grep -ci qt6)" = 0 ]; then
            echo "no Qt 6 here: tst_cuda_plugin not built"; return 0
        fi
        { cmake -S . -B /tmp/rl-full -G Ninja -DROOFLINE_BUILD_APP=OFF -DCMAKE_BUILD_TYPE=Release \
              -DROOFLINE_CUDA_ARCHITECTURES=90 ${CUDNN_CMAKE:+"$CUDNN_CMAKE"} && ninja -C /tmp/rl-full tst_cuda_plugin; } > "$OUT/qt-build.log" 2>&1 ||
            { tail -20 "$OUT/qt-build.log"; return 1; }
        /tmp/rl-full/bin/tst_cuda_plugin > "$OUT/tst_cuda_plugin.txt" 2>&1; local rc=$?
        grep -E "^(FAIL|QINFO|Totals)" "$OUT/tst_cuda_plugin.txt"; return $rc ;;
    ceilings)
        # `roofline ceilings` on the GPU (the headless project build, as the qt step makes it),
        # written to $OUT/ceilings.json: bandwidths, launch overhead and gaps (eager and graph), peaks.
        { cmake -S . -B /tmp/rl-full -G Ninja -DROOFLINE_BUILD_APP=OFF -DCMAKE_BUILD_TYPE=Release \
              -DROOFLINE_CUDA_ARCHITECTURES=90 && ninja -C /tmp/rl-full roofline roofline_cuda; } > "$OUT/ceilings-build.log" 2>&1 ||
            { tail -20 "$OUT/ceilings-build.log"; return 1; }
        /tmp/rl-full/bin/roofline ceilings --plugin /tmp/rl-full/lib/roofline-lab/libroofline_cuda.so \
            --out "$OUT/ceilings.json" > "$OUT/ceilings.txt" 2>&1; local rc=$?
        cat "$OUT/ceilings.txt"; return $rc ;;
    qtcarried)
        # tst_cuda_plugin built on a machine with Qt, carried with its Qt libraries in .qtcarry/ (not committed).
        [ -x .qtcarry/tst_cuda_plugin ] || { echo "no .qtcarry/tst_cuda_plugin"; return 0; }
        LD_LIBRARY_PATH=$PWD/.qtcarry/lib ROOFLINE_CUDA_PLUGIN=$PLUGIN .qtcarry/tst_cuda_plugin \
            > "$OUT/tst_cuda_plugin.txt" 2>&1; local rc=$?
        grep -E "^(FAIL|SKIP|Totals)|QINFO.*testProduct" "$OUT/tst_cuda_plugin.txt" | cut -c1-200; return $rc ;;
    *) echo "unknown step $1"; return 2 ;;
    esac
}

for step in "$@"; do
    echo "=== $step"
    run_step "$step" || { echo "=== $step failed"; status=1; }
done
exit $status
