#!/usr/bin/env bash
# Times one workload with two keraslens builds in turn (old, new, old, new, …), so that a busy minute on a shared
# machine falls on both, and prints each round's two medians and the median of the rounds' new/old ratios: the
# figure to quote for a change, where absolute times drift by more than the change itself.
#
#   bash Benchmarks/ab.sh OLD NEW MODEL INPUT ROUNDS [keraslens bench options]
#
# e.g. bash Benchmarks/ab.sh /tmp/keraslens-before .build/release/keraslens ResNet50_224.h5 one.npy 6 --repeats 10
#      bash Benchmarks/ab.sh … VGG16_224.h5 one.npy 4 --explain gradcam
set -euo pipefail
if [ $# -lt 5 ]; then
    echo "usage: $0 OLD NEW MODEL INPUT ROUNDS [keraslens bench options]" >&2
    exit 2
fi
old=$1 new=$2 model=$3 input=$4 rounds=$5
shift 5
median() {
    local build=$1
    shift
    "$build" bench "$model" --input "$input" --json "$@" | python3 -c 'import json, sys; print(json.load(sys.stdin)["median_s"])'
}
pairs=()
for _ in $(seq "$rounds"); do
    a=$(median "$old" "$@")
    b=$(median "$new" "$@")
    pairs+=("$a $b")
done
printf '%s\n' "${pairs[@]}" | python3 -c '
import statistics, sys
pairs = [tuple(map(float, line.split())) for line in sys.stdin]
print("rounds (old / new, ms): " + "  ".join(f"{a * 1e3:.2f} / {b * 1e3:.2f}" for a, b in pairs))
print(f"median old {statistics.median(a for a, _ in pairs) * 1e3:.2f} ms, new {statistics.median(b for _, b in pairs) * 1e3:.2f} ms; "
      f"median of the rounds\x27 new / old: {statistics.median(b / a for a, b in pairs):.3f}")
'
