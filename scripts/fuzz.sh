#!/usr/bin/env bash
# Builds the libFuzzer targets in Fuzz/ (AddressSanitizer on) into .build-fuzz and runs each for SECONDS (default 20),
# seeded with Tests/BadInputs and the fixtures. New inputs the fuzzer finds go to .build-fuzz/corpus/<target>, so a
# longer run later starts from them; a crash stops with the input saved as .build-fuzz/crash-<target>-* and exit 1.
#   bash scripts/fuzz.sh            # 20 s per target (what scripts/test.sh runs)
#   bash scripts/fuzz.sh 3600       # an hour per target
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-20}"
root="$PWD"
scratch="$root/.build-fuzz"

mkdir -p "$scratch"
# lld: gold fails on libFuzzer's objects. The build log is kept, and shown only when the build fails.
if ! (cd Fuzz && swift build --scratch-path "$scratch" -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld) \
    > "$scratch/build.log" 2>&1; then
    grep -v "Cannot export local symbol" "$scratch/build.log" | grep -E "error" -A3 | head -40 >&2
    echo "fuzz: the fuzz targets did not build; log $scratch/build.log" >&2
    exit 1
fi

seeds="$scratch/seeds"
rm -rf "$seeds" && mkdir -p "$seeds/FuzzNumPy" "$seeds/FuzzSafetensors" "$seeds/FuzzModelConfig" "$seeds/FuzzImage"
cp Tests/BadInputs/npy/*.npy Fixtures/zoo/*.input.npy "$seeds/FuzzNumPy/"
cp Tests/BadInputs/safetensors/*.safetensors "$seeds/FuzzSafetensors/"
cp Tests/BadInputs/configs/*.json "$seeds/FuzzModelConfig/"
cp Tests/BadInputs/images/* Fixtures/images/*.png Fixtures/images/*.jpg "$seeds/FuzzImage/"

status=0
for target in FuzzNumPy FuzzSafetensors FuzzModelConfig FuzzImage; do
    corpus="$scratch/corpus/$target"
    mkdir -p "$corpus"
    echo "fuzz: $target for ${seconds}s"
    # The Swift backtracer would catch the trap before libFuzzer saves the input; the limits make an allocation
    # beyond 1 GiB (what no valid small input needs) a finding.
    if ! SWIFT_BACKTRACE=enable=no KERASLENS_FUZZ_WEIGHTS="$root/Fixtures/zoo/mlp.k2.h5" \
        "$scratch/debug/$target" -max_total_time="$seconds" -rss_limit_mb=2048 -malloc_limit_mb=1024 -timeout=10 \
        -artifact_prefix="$scratch/crash-$target-" -print_final_stats=1 "$corpus" "$seeds/$target" \
        > "$scratch/$target.log" 2>&1; then
        echo "fuzz: $target failed; the input is in $scratch/crash-$target-*; log $scratch/$target.log" >&2
        grep -E "ERROR|runtime failure|Fatal" "$scratch/$target.log" | head -5 >&2 || true
        status=1
    fi
    grep -E "^stat::number_of_executed_units|^Done" "$scratch/$target.log" | tr '\n' ' '
    echo
done
exit $status
