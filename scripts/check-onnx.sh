#!/usr/bin/env bash
# Exports every model of Fixtures/manifest.json (and the course files in ../shared/models, when present) to ONNX
# with the built keraslens, runs each in onnxruntime on the recorded inputs and compares with Keras's recorded
# outputs (atol 1e-5 + rtol 1e-4); also opens each native export with the Python safetensors reader. Prints a
# table; exits nonzero on any mismatch. The Python packages go into a virtual environment, .build-onnx-venv/
# (ignored by git), or $ONNX_VENV. The executable is $KERASLENS, else the one `swift build` last produced.
set -euo pipefail
cd "$(dirname "$0")/.."

keraslens="${KERASLENS:-$(swift build --show-bin-path)/keraslens}"
if [ ! -x "$keraslens" ]; then
    echo "error: $keraslens is not built; run swift build first (or set KERASLENS)" >&2
    exit 1
fi

venv="${ONNX_VENV:-.build-onnx-venv}"
if [ ! -x "$venv/bin/python" ]; then
    if ! python3 -m venv "$venv" >/dev/null 2>&1; then
        echo "installing: python3-venv" >&2
        sudo=""
        [ "$(id -u)" -eq 0 ] || sudo="sudo"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3 python3-venv >/dev/null
        rm -rf "$venv"
        python3 -m venv "$venv"
    fi
fi
# Pinned so that a new release cannot change the verdict between two runs of the same commit.
"$venv/bin/pip" install -q --disable-pip-version-check onnxruntime==1.32.0 onnx==1.23.2 numpy==2.4.6 safetensors==0.8.0
exec "$venv/bin/python" scripts/check-onnx.py --keraslens "$keraslens" "$@"
