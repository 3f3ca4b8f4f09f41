#!/usr/bin/env bash
# Builds the libFuzzer targets in Fuzz/ (AddressSanitizer on) into .build-fuzz and runs each for SECONDS (default 20),
# seeded with Tests/BadInputs and the fixtures. New inputs the fuzzer finds go to .build-fuzz/corpus/<target>, so a
# longer run later starts from them; a crash stops with the input saved as .build-fuzz/crash-<target>-* and exit 1.
# FuzzKerasHDF5 goes on after findings inside libhdf5 itself and only lists them (see below).
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
rm -rf "$seeds" && mkdir -p "$seeds/FuzzNumPy" "$seeds/FuzzSafetensors" "$seeds/FuzzModelConfig" "$seeds/FuzzKerasHDF5" "$seeds/FuzzImage"
cp Tests/BadInputs/npy/*.npy Fixtures/zoo/*.input.npy "$seeds/FuzzNumPy/"
cp Tests/BadInputs/safetensors/*.safetensors "$seeds/FuzzSafetensors/"
cp Tests/BadInputs/configs/*.json "$seeds/FuzzModelConfig/"
cp Tests/BadInputs/h5/*.h5 Fixtures/zoo/mlp.k2.h5 Fixtures/zoo/conv1d.k2.h5 "$seeds/FuzzKerasHDF5/"
cp Tests/BadInputs/images/* Fixtures/images/*.png Fixtures/images/*.jpg "$seeds/FuzzImage/"

# The Swift backtracer would catch the trap before libFuzzer saves the input; the limits make an allocation beyond
# 1 GiB (what no valid small input needs) a finding.
limits=(-rss_limit_mb=2048 -malloc_limit_mb=1024 -timeout=10)
run_target() {
    local target="$1"
    shift
    SWIFT_BACKTRACE=enable=no KERASLENS_FUZZ_WEIGHTS="$root/Fixtures/zoo/mlp.k2.h5" \
        "$scratch/debug/$target" "${limits[@]}" "$@"
}

status=0
for target in FuzzNumPy FuzzSafetensors FuzzModelConfig FuzzImage; do
    corpus="$scratch/corpus/$target"
    mkdir -p "$corpus"
    echo "fuzz: $target for ${seconds}s"
    if ! run_target "$target" -max_total_time="$seconds" -artifact_prefix="$scratch/crash-$target-" -print_final_stats=1 \
        "$corpus" "$seeds/$target" > "$scratch/$target.log" 2>&1; then
        echo "fuzz: $target failed; the input is in $scratch/crash-$target-*; log $scratch/$target.log" >&2
        grep -E "ERROR|runtime failure|Fatal" "$scratch/$target.log" | head -5 >&2 || true
        status=1
    fi
    grep -E "^stat::number_of_executed_units|^Done" "$scratch/$target.log" | tr '\n' ' '
    echo
done

# Keras .h5 files read from memory go through libhdf5, and Debian 12's 1.10.8 has memory-safety bugs of its own that
# this target finds within seconds: a wild memcpy in the global-heap reader (H5HG_read, under H5Aread of a
# variable-length string) and metadata allocations sized straight from the file (H5C_protect); it also leaks ~100
# bytes when H5Fopen fails, and some files make it spin in H5HG_read for longer than any timeout (H5GlobalHeapCheck
# now refuses the global-heap ones first). So this target runs in fork mode, going on after each finding (leak checks
# off), and then replays every finding: one whose faulting frame (libFuzzer's, the sanitizer's and libc's own frames skipped: a
# timeout's stack starts in the alarm handler) is inside libhdf5 is listed as upstream's; one that faults in
# KerasLens's own code or Swift's runtime fails the run as any other target's finding does.
target=FuzzKerasHDF5
corpus="$scratch/corpus/$target"
findings="$scratch/findings-$target"
rm -rf "$findings" && mkdir -p "$corpus" "$findings"
echo "fuzz: $target for ${seconds}s"
ASAN_OPTIONS=detect_leaks=0 run_target "$target" -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
    -max_total_time="$seconds" -artifact_prefix="$findings/" "$corpus" "$seeds/$target" > "$scratch/$target.log" 2>&1 || true
# Frames that say nothing about whose code is at fault: libFuzzer's, the sanitizer's, and libc's (named by library, or,
# where libc's debug symbols are installed, by its source: `__memcpy_avx_unaligned_erms string/../sysdeps/…`).
runtime_frames='compiler-rt|libclang_rt|libc\.so|sysdeps/| in fuzzer::| in __sanitizer| in __interceptor| in __(mem|str)[a-z_]*'
upstream=0
for finding in "$findings"/*; do
    [ -e "$finding" ] || continue
    frame=$(ASAN_OPTIONS=detect_leaks=0 run_target "$target" "$finding" 2>&1 \
        | grep -E '^ +#[0-9]+ ' | grep -vE "$runtime_frames" | head -1 || true)
    # libhdf5's frames name its library, or with its debug symbols installed, its functions (all `H5…`).
    if [[ "$frame" == *libhdf5* || "$frame" == *" in H5"* ]]; then
        upstream=$((upstream + 1))
    else
        echo "fuzz: $target finding $finding faults outside libhdf5: ${frame:-did not reproduce}" >&2
        [ -n "$frame" ] && status=1
    fi
done
echo "fuzz: $target: $(ls "$findings" | wc -l) findings, $upstream inside libhdf5 (upstream; inputs in $findings)"
exit $status
