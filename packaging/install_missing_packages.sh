#!/usr/bin/env bash
# Installs whichever of the named Debian/Ubuntu packages are missing (apt-get, with sudo unless root), quietly;
# prints what it installs. Used by quickstart.sh, packaging/check_packages.sh and the CI scripts.
#   packaging/install_missing_packages.sh PACKAGE...
set -euo pipefail
missing=()
for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -gt 0 ] || exit 0
echo "Installing: ${missing[*]}"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
