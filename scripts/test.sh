#!/usr/bin/env bash
# The README's test command: installs what is missing, then builds and runs the whole test suite, then checks the
# ONNX exports in onnxruntime (scripts/check-onnx.sh) with the keraslens that `swift build` produced, then fuzzes
# each file parser for 20 seconds (scripts/fuzz.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift build
swift test
bash scripts/check-onnx.sh
bash scripts/fuzz.sh 20
