#!/usr/bin/env bash
# Builds the .deb packages from a build tree and checks them as a user gets them: contents, dependencies, and the
# installed binaries run from a scratch root (dpkg -x), plugins found beside them, the app offscreen, and the
# desktop entry and AppStream metadata valid.
#   packaging/check_packages.sh [BUILD_DIR]        (default: build, as ./quickstart.sh makes it)
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build}"

tools=(dpkg-dev file desktop-file-utils appstream)
packaging/install_missing_packages.sh "${tools[@]}"

fail() { echo "check_packages: $*" >&2; exit 1; }

rm -rf "$build/packages"
(cd "$build" && cpack >/dev/null)
app_deb=$(ls "$build"/packages/roofline-lab_*.deb)
cuda_deb=$(ls "$build"/packages/roofline-lab-cuda_*.deb 2>/dev/null || true)
echo "packages: $(cd "$build/packages" && ls ./*.deb | tr '\n' ' ')"

contents=$(dpkg-deb --contents "$app_deb" | awk '{print $6}')
grep -qE '^\./usr/lib/([a-z0-9_-]+/)?roofline-lab/libroofline_cpu\.so$' <<<"$contents" || fail "$app_deb lacks the CPU plugin"
for path in ./usr/bin/roofline ./usr/bin/roofline-lab ./usr/bin/roofline-worker \
            ./usr/share/applications/io.github.rooflinelab.RooflineLab.desktop \
            ./usr/share/metainfo/io.github.rooflinelab.RooflineLab.metainfo.xml \
            ./usr/share/icons/hicolor/scalable/apps/roofline-lab.svg ./usr/share/icons/hicolor/256x256/apps/roofline-lab.png \
            ./usr/share/roofline-lab/hardware/b10.json ./usr/share/doc/roofline-lab/copyright; do
    grep -qx "$path" <<<"$contents" || fail "$app_deb lacks $path"
done
if grep -q libroofline_cuda <<<"$contents"; then fail "the CUDA plugin must not be in $app_deb"; fi
depends=$(dpkg-deb --field "$app_deb" Depends)
grep -q libqt6widgets6 <<<"$depends" || fail "$app_deb does not depend on Qt: $depends"
if grep -qi cublas <<<"$depends"; then fail "$app_deb must install without CUDA: $depends"; fi
if [ -n "$cuda_deb" ]; then
    dpkg-deb --contents "$cuda_deb" | awk '{print $6}' | grep -qE '^\./usr/lib/([a-z0-9_-]+/)?roofline-lab/libroofline_cuda\.so$' ||
        fail "$cuda_deb lacks the plugin"
    cuda_depends=$(dpkg-deb --field "$cuda_deb" Depends)
    grep -q "roofline-lab (=" <<<"$cuda_depends" && grep -q libcublas <<<"$cuda_depends" ||
        fail "$cuda_deb must depend on roofline-lab and cuBLAS: $cuda_depends"
    if grep -q libcudnn <<<"$cuda_depends"; then fail "$cuda_deb must not depend on cuDNN (recommend it): $cuda_depends"; fi
    grep -q libcudnn9 <<<"$(dpkg-deb --field "$cuda_deb" Recommends)" ||
        fail "$cuda_deb must recommend cuDNN 9 (attention)"
fi

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
for deb in "$app_deb" $cuda_deb; do dpkg -x "$deb" "$root"; done
export ROOFLINE_LAB_DATA_DIR="$root/data" QT_QPA_PLATFORM=offscreen
cli_version=$("$root/usr/bin/roofline" --version)
app_version=$("$root/usr/bin/roofline-lab" --version)
[ "${cli_version#roofline }" = "${app_version#roofline-lab }" ] || fail "versions differ: '$cli_version' / '$app_version'"
echo "installed: $cli_version, $app_version"
"$root/usr/bin/roofline" hardware list | grep -q "^b10 " || fail "roofline hardware list has no b10"
"$root/usr/bin/roofline" bench --plugin cpu --plan smoke --budget 0.05 --min-samples 3 --out "$root/run.json" >/dev/null ||
    fail "the installed CPU plugin did not run"
"$root/usr/bin/roofline" validate --hardware b10 "$root/run.json" >/dev/null || fail "validate of the installed run failed"
if [ -n "$cuda_deb" ]; then
    # No GPU here: the plugin must be found beside the binary and say why it cannot run, never "not found".
    set +e
    message=$("$root/usr/bin/roofline" bench --plugin cuda --plan smoke --out "$root/cuda.json" 2>&1)
    status=$?
    set -e
    if [ $status -eq 0 ]; then
        echo "installed CUDA plugin ran (a GPU is present)"
    else
        [ $status -eq 3 ] || fail "roofline bench --plugin cuda: exit $status: $message"
        if grep -q "not found; looked in" <<<"$message"; then fail "the installed CUDA plugin was not found: $message"; fi
        echo "installed CUDA plugin found; without a GPU: $(head -1 <<<"$message")"
    fi
fi
"$root/usr/bin/roofline-lab" --screenshot-tab validation --screenshot-out "$root/app.png" --hardware b10 \
    resources/measurements/gb10_seed_measurements.json >/dev/null || fail "the installed app did not start offscreen"
file "$root/app.png" | grep -q "PNG image data" || fail "the installed app wrote no screenshot"
desktop-file-validate "$root/usr/share/applications/io.github.rooflinelab.RooflineLab.desktop"
appstreamcli validate --no-net "$root/usr/share/metainfo/io.github.rooflinelab.RooflineLab.metainfo.xml"
echo "packages OK"
