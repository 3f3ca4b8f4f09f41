#!/usr/bin/env bash
# Builds keraslens in release mode, makes the load check's small virtual environment (outside git, in
# .build-load-venv/: numpy, scikit-image, mnist1d for the data) on first use, and runs Benchmarks/load.py with any
# arguments given (e.g. --hmt-images 200 --json). Takes about half an hour on two cores with the default sizes.
#
#   bash Benchmarks/load.sh [load.py options]
set -euo pipefail
cd "$(dirname "$0")/.."
scratch="${SCRATCH:-.build}"
venv=.build-load-venv
source scripts/python-venv.sh
python_venv "$venv" "numpy, skimage, mnist1d" numpy==2.4.6 scikit-image==0.26.0 mnist1d==0.0.2.post1
swift build -c release --scratch-path "$scratch" --product keraslens
exec "$venv/bin/python" Benchmarks/load.py --keraslens "$scratch/release/keraslens" "$@"
