#!/usr/bin/env bash
# The README's main command: installs what is missing, builds in release mode, and runs KerasLens on the bundled
# fixtures: the MNIST-1D model's summary, and its predictions and accuracy on the 1000-sample test set.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift build -c release --product keraslens
keraslens=".build/release/keraslens"

"$keraslens" inspect Fixtures/MNIST1D.h5
echo
"$keraslens" predict Fixtures/MNIST1D.h5 --input Fixtures/mnist1d_test_x.npy --labels Fixtures/mnist1d_test_y.npy
echo
"$keraslens" inspect Fixtures/HMT.h5
"$keraslens" predict Fixtures/HMT.h5 --input Fixtures/hmt_inputs.npy
