#!/usr/bin/env bash
# Checks that an HTML report renders: takes a headless Chromium screenshot of REPORT_DIR/index.html (as written by
# `keraslens evaluate --report REPORT_DIR`) and writes it to REPORT_DIR/screenshot.png. Chromium comes from Debian's
# `chromium` package, installed if missing. The page must open offline, so the network is not needed.
#
#     bash scripts/check-report.sh REPORT_DIR [WIDTH HEIGHT]     # default window 1280×2400
set -euo pipefail

if [ $# -lt 1 ] || [ ! -f "$1/index.html" ]; then
    echo "usage: $0 REPORT_DIR [WIDTH HEIGHT]  (REPORT_DIR must hold index.html)" >&2
    exit 2
fi
dir="$(cd "$1" && pwd)"
width="${2:-1280}"
height="${3:-2400}"

if ! command -v chromium >/dev/null 2>&1; then
    echo "installing: chromium" >&2
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
fi

# A throwaway profile, so the check neither reads nor leaves a user's Chromium state.
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
rm -f "$dir/screenshot.png"
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run --user-data-dir="$profile" \
    --screenshot="$dir/screenshot.png" --window-size="$width,$height" "file://$dir/index.html" >/dev/null 2>&1 || true

if [ ! -s "$dir/screenshot.png" ]; then
    echo "error: chromium wrote no screenshot of $dir/index.html" >&2
    exit 1
fi
echo "$dir/screenshot.png"
