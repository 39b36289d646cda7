# Minimal Debian 12 roots for the fresh-machine checks (.ci/fresh_root.sh, .ci/fresh_root_arm64.sh), sourced: made
# with debootstrap --variant=minbase, the kernel's file systems mounted in them, and at exit unmounted and removed
# (kept with roots_keep=1). A root's /src (or roots_src) holds the checkout as git sees it.
suite=bookworm
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
roots_keep=0
roots_src=/src
roots_mounted=()
roots_made=()

# make_root DIR ARCH LOG
make_root() {
    local dir=$1 arch=$2 log=$3 fs
    roots_made+=("$dir")
    debootstrap --arch="$arch" --variant=minbase "$suite" "$dir" "$mirror" >"$log" 2>&1 || { tail -20 "$log"; return 1; }
    for fs in proc sys dev dev/pts; do
        mkdir -p "$dir/$fs"
        case $fs in
        proc) mount -t proc proc "$dir/proc" ;;
        sys) mount -t sysfs sys "$dir/sys" ;;
        *) mount --bind "/$fs" "$dir/$fs" ;;
        esac || return
        roots_mounted+=("$dir/$fs")
    done
    cp /etc/resolv.conf "$dir/etc/resolv.conf" 2>/dev/null || true
    echo "root $dir: $(chroot "$dir" uname -m), Debian $(chroot "$dir" cat /etc/debian_version), $(du -shx "$dir" | cut -f1)"
}

remove_roots() {
    local i
    for ((i = ${#roots_mounted[@]} - 1; i >= 0; i--)); do umount -l "${roots_mounted[$i]}" 2>/dev/null || true; done
    for dir in "${roots_made[@]}"; do
        # A bind mount from this machine's own disk has its device number: never remove through one left mounted.
        if grep -q " $dir/" /proc/mounts; then
            echo "kept the root $dir: something is still mounted in it" >&2
        elif [ "$roots_keep" -eq 0 ]; then rm -rf --one-file-system "$dir"; else echo "kept the root $dir"; fi
    done
}

# copy_checkout DIR: tracked files and untracked ones git does not ignore, never a build tree, to DIR$roots_src.
copy_checkout() {
    mkdir -p "$1$roots_src" || return
    git ls-files -z --cached --others --exclude-standard |
        tar --null --files-from=- --ignore-failed-read -cf - 2>/dev/null | tar -xf - -C "$1$roots_src" || return
    echo "copied $(find "$1$roots_src" -type f | wc -l) files to $roots_src"
}

# bind_into_root DIR PATH: the host's folder PATH at the same PATH in the root DIR (unmounted with the root).
bind_into_root() {
    mkdir -p "$1$2" || return
    mount --bind "$2" "$1$2" || return
    roots_mounted+=("$1$2")
}

# in_root DIR COMMAND [NAME=VALUE …]: COMMAND in DIR$roots_src (DIR/tmp in a root without the checkout) with a
# clean environment (and those variables).
in_root() {
    local dir=$1 command=$2 here=$roots_src
    shift 2
    [ -d "$dir$roots_src" ] || here=/tmp
    chroot "$dir" /usr/bin/env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        LANG=C.UTF-8 TERM=dumb CI="${CI:-}" "$@" /bin/bash -c "cd '$here' && $command"
}

# enable_emulation ARCH: qemu-user through binfmt_misc, so that ARCH's programs run here and in every root.
enable_emulation() {
    local qemu
    case $1 in
    arm64) qemu=aarch64 ;;
    *) qemu=$1 ;;
    esac
    packaging/install_missing_packages.sh qemu-user-static binfmt-support || return
    mountpoint -q /proc/sys/fs/binfmt_misc || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc || return
    update-binfmts --enable "qemu-$qemu" || return
}
