#!/usr/bin/env bash
# Builds keraslens in release mode, makes the benchmark's virtual environment (outside git, in .build-bench-venv/)
# on first use, and runs Benchmarks/compare.py with any arguments given (e.g. --repeats 40 --json).
#
#   bash Benchmarks/run.sh [compare.py options]
#
# SCRATCH picks the SwiftPM scratch folder (default .build); PYTHON the interpreter the venv is made from.
set -euo pipefail
cd "$(dirname "$0")/.."
scratch="${SCRATCH:-.build}"
venv=.build-bench-venv
source scripts/python-venv.sh
python_venv "$venv" "tensorflow, tf_keras, onnxruntime, tf2onnx" tensorflow-cpu==2.21.0 tf-keras==2.21.0 onnxruntime tf2onnx numpy
swift build -c release --scratch-path "$scratch" --product keraslens
exec "$venv/bin/python" Benchmarks/compare.py --keraslens "$scratch/release/keraslens" "$@"
