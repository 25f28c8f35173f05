#!/usr/bin/env bash
# make fuzz: builds each libFuzzer target with AddressSanitizer and runs it for FUZZ_SECONDS (default 600)
# on a corpus seeded by Fuzz/seed.py (kept in .build/fuzz-corpus/, so later runs start where earlier ones
# stopped). A crash, a trap or a leak stops that target with its input saved under .build/fuzz-artifacts/;
# the script goes on with the others and exits 1 if any target failed.
#   FUZZ_SECONDS=60 FUZZ_TARGETS="FuzzJSON FuzzParquet" Fuzz/run.sh
set -u
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}
SECONDS_EACH=${FUZZ_SECONDS:-600}
TARGETS=${FUZZ_TARGETS:-"FuzzKafkaRequests FuzzRecordBatch FuzzDecompress FuzzParquet FuzzJSON FuzzHTTPQuery"}
SCRATCH=.build/fuzz
CORPUS=.build/fuzz-corpus
ARTIFACTS=.build/fuzz-artifacts
mkdir -p "$CORPUS" "$ARTIFACTS"
"$PYTHON" Fuzz/seed.py "$CORPUS" || exit 1
# The backtracer can hang on a crash inside libFuzzer; its own report names the input.
export SWIFT_BACKTRACE=enable=no
failed=()
for target in $TARGETS; do
    echo "== $target: build"
    # SwiftPM passes each --sanitize to the compiler as a -sanitize= flag of its own, in no fixed order, and
    # the compiler keeps only the last one: modules came out without coverage (libFuzzer fuzzing blind) or
    # without AddressSanitizer. The combined flag after them gives every module both; SwiftPM's own flags
    # are still needed for the link (libFuzzer's main). --disable-dead-strip keeps the coverage tables of
    # code the target never reaches in the binary.
    if ! SOUK_FUZZ=1 swift build -c release --scratch-path "$SCRATCH" --product "$target" \
        --sanitize fuzzer --sanitize address -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library \
        --disable-dead-strip; then
        failed+=("$target (build)")
        continue
    fi
    # A binary without coverage would run without finding anything: refuse it.
    counters=$("$SCRATCH/release/$target" -runs=0 "$CORPUS/$target" 2>&1 | sed -n 's/.*Loaded 1 modules *(\([0-9]*\) inline.*/\1/p')
    if [ "${counters:-0}" -lt 10000 ]; then
        echo "$target: only ${counters:-0} coverage counters: the libraries were built without coverage" >&2
        failed+=("$target (coverage)")
        continue
    fi
    echo "== $target: ${SECONDS_EACH} s, $counters coverage counters"
    mkdir -p "$CORPUS/$target"
    if ! "$SCRATCH/release/$target" -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 -timeout=10 \
        -print_final_stats=1 -artifact_prefix="$ARTIFACTS/$target-" "$CORPUS/$target"; then
        failed+=("$target")
    fi
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "make fuzz: failed: ${failed[*]} (inputs in $ARTIFACTS/)" >&2
    exit 1
fi
echo "make fuzz: every target ran ${SECONDS_EACH} s without a crash"
