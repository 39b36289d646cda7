#!/usr/bin/env bash
# The README's two commands on a fresh machine: a minimal Debian 12 root (debootstrap --variant=minbase), a copy of
# this checkout in it, and there
#   1. ./quickstart.sh test            installs every package itself, builds everything, runs the whole suite;
#   2. every tests/**/tst_*.cpp is registered with CTest (only `gpu` tests may skip, and they say why);
#   3. the app starts offscreen (--exit-when-shown) and writes a screenshot that is not blank; without a display
#      and without QT_QPA_PLATFORM it says how to get one instead of aborting;
#   4. configure without libqt6opengl6-dev fails with a message that names it.
# Run as root (CI is root). Needs debootstrap (installed when missing) and Debian's archive.
#   .ci/fresh_root.sh [--arch ARCH] [--keep] [--root DIR]
#     --arch   the root's architecture, default the host's (dpkg --print-architecture); a foreign one runs under
#              qemu-user-static through binfmt_misc
#     --keep   leave the root in place (default: removed at the end)
#     --root   where to make it (default: a new folder under /tmp)
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/parts.sh

arch=$(dpkg --print-architecture)
keep=0
root=""
while [ $# -gt 0 ]; do
    case $1 in
    --arch) arch=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    --root) root=$2; shift 2 ;;
    *) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 1 ;;
    esac
done
[ "$(id -u)" -eq 0 ] || { echo "fresh_root: run as root (debootstrap and chroot need it)" >&2; exit 1; }
suite=bookworm
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
[ -n "$root" ] || root=$(mktemp -d /tmp/roofline-fresh-root.XXXXXX)
src_in_root=/src
out=${FRESH_ROOT_OUT:-$PWD/fresh-root-out}
mkdir -p "$out"

host_packages() {
    local needed=(debootstrap)
    [ "$arch" = "$(dpkg --print-architecture)" ] || needed+=(qemu-user-static binfmt-support)
    packaging/install_missing_packages.sh "${needed[@]}" || return
    if [ "$arch" != "$(dpkg --print-architecture)" ]; then
        mountpoint -q /proc/sys/fs/binfmt_misc || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc || return
        update-binfmts --enable "qemu-$(arch_to_qemu "$arch")" || return
    fi
}

arch_to_qemu() {
    case $1 in
    arm64) echo aarch64 ;;
    amd64) echo x86_64 ;;
    *) echo "$1" ;;
    esac
}

mounted=()
cleanup() {
    local i
    for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -l "${mounted[$i]}" 2>/dev/null || true; done
    if [ $keep -eq 0 ]; then rm -rf --one-file-system "$root"; else echo "fresh_root: the root is kept in $root"; fi
}
trap cleanup EXIT

make_root() {
    debootstrap --arch="$arch" --variant=minbase "$suite" "$root" "$mirror" >"$out/debootstrap.log" 2>&1 ||
        { tail -20 "$out/debootstrap.log"; return 1; }
    local fs
    for fs in proc sys dev dev/pts; do
        mkdir -p "$root/$fs"
        case $fs in
        proc) mount -t proc proc "$root/proc" ;;
        sys) mount -t sysfs sys "$root/sys" ;;
        *) mount --bind "/$fs" "$root/$fs" ;;
        esac || return
        mounted+=("$root/$fs")
    done
    cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
    echo "root: $(chroot "$root" uname -m), $(chroot "$root" cat /etc/debian_version), $(du -shx "$root" | cut -f1)"
}

# The checkout as git sees it: tracked files and untracked ones it does not ignore, never a build tree.
copy_checkout() {
    mkdir -p "$root$src_in_root" || return
    git ls-files -z --cached --others --exclude-standard |
        tar --null --files-from=- --ignore-failed-read -cf - 2>/dev/null | tar -xf - -C "$root$src_in_root" ||
        return
    echo "copied $(find "$root$src_in_root" -type f | wc -l) files"
}

in_root() {
    chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        LANG=C.UTF-8 TERM=dumb CI="${CI:-}" /bin/bash -c "cd $src_in_root && $1"
}

# Each step below runs inside `part ... || ...`, where bash ignores set -e: every command checks its own status.
quickstart_test() {
    local status=0
    in_root "./quickstart.sh test" >"$out/quickstart_test.log" 2>&1 || status=$?
    grep -E "^Installing|tests passed|tests failed|The following tests|Failed|Not Run|\*\*\*Skipped" "$out/quickstart_test.log" || true
    [ $status -eq 0 ] || { tail -60 "$out/quickstart_test.log"; return $status; }
}

tests_registered() {
    in_root ".ci/check_tests_registered.sh build"
}

app_offscreen() {
    local app="QT_QPA_PLATFORM=offscreen ROOFLINE_LAB_DATA_DIR=/tmp/app-data timeout 120 build/bin/roofline-lab"
    in_root "$app --exit-when-shown" || return
    in_root "$app --screenshot-tab validation --screenshot-out /tmp/fresh_root_app.png --hardware b10 \
        resources/measurements/gb10_seed_measurements.json" || return
    cp "$root/tmp/fresh_root_app.png" "$out/fresh_root_app.png" || return
    python3 .ci/png_not_blank.py "$out/fresh_root_app.png" || return
    # No display and no platform asked for: a message that says how, and exit 1 (not Qt's abort).
    local message status=0
    message=$(in_root "build/bin/roofline-lab 2>&1") || status=$?
    if [ $status -ne 1 ] || ! grep -q "ssh -X" <<<"$message"; then
        echo "without a display the app said (exit $status): $message" >&2
        return 1
    fi
    echo "without a display: exit 1 and \"$(head -1 <<<"$message")\""
}

configure_without_opengl() {
    in_root "DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq libqt6opengl6-dev >/dev/null" || return
    local log status=0
    log=$(in_root "cmake -S . -B /tmp/build-without-opengl -G Ninja 2>&1") || status=$?
    echo "$log" > "$out/configure_without_opengl.log"
    if [ $status -eq 0 ]; then echo "configure without libqt6opengl6-dev succeeded; it must fail" >&2; return 1; fi
    grep -q "libqt6opengl6-dev" <<<"$log" || { echo "$log" | tail -20; echo "the error does not name libqt6opengl6-dev" >&2; return 1; }
    sed -n '/CMake Error/,/^-- Configuring incomplete/p' <<<"$log"
}

echo "fresh_root: Debian 12 ($suite, $arch, minbase) in $root; logs in $out"
part "fresh root: host tools" host_packages
part "fresh root: debootstrap" make_root
part "fresh root: copy the checkout" copy_checkout
part "fresh root: ./quickstart.sh test" quickstart_test
part "fresh root: every test registered" tests_registered
part "fresh root: the app offscreen, a screenshot, no-display message" app_offscreen
part "fresh root: configure without libqt6opengl6-dev fails naming it" configure_without_opengl
parts_summary
