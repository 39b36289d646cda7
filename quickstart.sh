#!/usr/bin/env bash
# Roofline Lab quick start on Debian 12 / Ubuntu 24.04:
#   ./quickstart.sh app    install missing packages, build, launch the desktop app
#   ./quickstart.sh test   install missing packages, build everything, run the whole test suite
# Extra arguments after `app` go to roofline-lab. BUILD_DIR (default: build) picks the build folder.
set -euo pipefail
cd "$(dirname "$0")"

what="${1:-}"
case "$what" in
app | test) shift ;;
*)
    sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//'
    exit 1
    ;;
esac

build_dir="${BUILD_DIR:-build}"
packages=(cmake ninja-build g++ pkg-config nlohmann-json3-dev qt6-base-dev qt6-charts-dev libgl-dev libxkbcommon-dev
          libopenblas-dev)

missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing: ${missing[*]}"
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The CUDA plugin builds when a CUDA toolkit is present (it is optional: the app runs without it).
if ! command -v nvcc >/dev/null 2>&1 && [ -x /usr/local/cuda/bin/nvcc ]; then
    export CUDACXX=/usr/local/cuda/bin/nvcc
fi

cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
jobs="$(nproc)"

if [ "$what" = app ]; then
    cmake --build "$build_dir" --parallel "$jobs" --target roofline-lab roofline
    exec "$build_dir/bin/roofline-lab" "$@"
fi

cmake --build "$build_dir" --parallel "$jobs"
ctest --test-dir "$build_dir" --output-on-failure --parallel "$jobs" "$@"
