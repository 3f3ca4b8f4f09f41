#!/usr/bin/env bash
# Installs the Debian packages KerasLens builds against, if any is missing. Needs root (or sudo) only when it installs.
set -euo pipefail

packages=(libhdf5-dev libopenblas-dev zlib1g-dev libpng-dev libjpeg62-turbo-dev pkg-config)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done

if ((${#missing[@]})); then
    echo "installing: ${missing[*]}" >&2
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! command -v swift >/dev/null 2>&1; then
    echo "error: Swift 6 is not on PATH; install a Swift 6 toolchain from swift.org first" >&2
    exit 1
fi
