#!/usr/bin/env bash
# The README's test command: installs what is missing, generates the keras.applications backbones and the keras.io
# Grad-CAM tutorial's recorded steps into the ignored .build-zoo-cache/ (Fixtures/generate_applications.py and
# generate_tutorial.py in the pinned Fixtures/.venv; each again only when its generator changed), then builds and runs
# the whole test suite, then checks the ONNX exports in onnxruntime (scripts/check-onnx.sh) with the keraslens that
# the test build produced, then fuzzes each file parser for 20 seconds (scripts/fuzz.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
source scripts/python-venv.sh
if [ ! -f .build-zoo-cache/manifest.json ] || [ Fixtures/generate_applications.py -nt .build-zoo-cache/manifest.json ]; then
    python_venv Fixtures/.venv "tensorflow, tf_keras, keras" -r Fixtures/requirements.txt
    Fixtures/.venv/bin/python Fixtures/generate_applications.py
fi
if [ ! -f .build-zoo-cache/tutorial/manifest.json ] || [ Fixtures/generate_tutorial.py -nt .build-zoo-cache/tutorial/manifest.json ]; then
    python_venv Fixtures/.venv "tensorflow, keras, matplotlib" -r Fixtures/requirements.txt
    Fixtures/.venv/bin/python Fixtures/generate_tutorial.py
fi
# Release mode with testing enabled (@testable imports): the tests run the keras.applications backbones forward
# and backward, which an unoptimised build runs several times slower.
release=(-c release -Xswiftc -enable-testing)
swift build "${release[@]}"
swift test "${release[@]}"
KERASLENS="$(swift build "${release[@]}" --show-bin-path)/keraslens" bash scripts/check-onnx.sh
bash scripts/fuzz.sh 20
