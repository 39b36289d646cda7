#!/usr/bin/env bash
# Roofline Lab quick start on Debian 12 / Ubuntu 24.04:
#   ./quickstart.sh app    install missing packages, build, launch the desktop app
#   ./quickstart.sh test   install missing packages, build everything, run the whole test suite
# Extra arguments after `app` go to roofline-lab. BUILD_DIR (default: build) picks the build folder;
# CUDA_ARCHITECTURES (e.g. "90-real;121") narrows the CUDA plugin's GPU architectures (default: all it supports).
# ROOFLINE_GGML_DIR (a ggml or llama.cpp source tree) builds the ggml plugin against it (docs/ggml_plugin.md).
set -euo pipefail
cd "$(dirname "$0")"

what="${1:-}"
case "$what" in
app | test) shift ;;
*)
    sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'
    exit 1
    ;;
esac

build_dir="${BUILD_DIR:-build}"
# Everything configure, build, the app and the whole test suite need on a minimal Debian 12 root; the names are the
# same on Ubuntu 24.04 (DGX OS 7). libqt6opengl6-dev holds the Qt6OpenGL config that Qt Charts needs (qt6-base-dev
# only recommends it); qt6-qpa-plugins is the X11 platform plugin a window needs; fonts-dejavu-core gives the
# window (and its offscreen screenshots) a font.
packages=(cmake ninja-build g++ pkg-config nlohmann-json3-dev qt6-base-dev libqt6opengl6-dev qt6-charts-dev
          qt6-qpa-plugins libgl-dev libxkbcommon-dev fonts-dejavu-core libopenblas-dev)

packaging/install_missing_packages.sh "${packages[@]}"

# The CUDA plugin builds when a CUDA toolkit is present (it is optional: the app runs without it).
if ! command -v nvcc >/dev/null 2>&1 && [ -x /usr/local/cuda/bin/nvcc ]; then
    export CUDACXX=/usr/local/cuda/bin/nvcc
fi

cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    ${CUDA_ARCHITECTURES:+-DROOFLINE_CUDA_ARCHITECTURES="$CUDA_ARCHITECTURES"} \
    ${ROOFLINE_GGML_DIR:+-DROOFLINE_GGML_DIR="$ROOFLINE_GGML_DIR"} >/dev/null
jobs="$(nproc)"

if [ "$what" = app ]; then
    cmake --build "$build_dir" --parallel "$jobs" --target desktop
    exec "$build_dir/bin/roofline-lab" "$@"
fi

cmake --build "$build_dir" --parallel "$jobs"
ctest --test-dir "$build_dir" --output-on-failure --parallel "$jobs" "$@"
