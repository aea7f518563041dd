#!/usr/bin/env bash
# What `npm run bench` runs natively, which a fresh machine does not have:
# the Release build's suite (the seeded simulation's figures, checks.mjs) and
# Opus encoder CLI (the encode speed's reference, voice-codec.mjs), and the
# fuzz build's frame decoder fuzzer (checks.mjs). The same configurations as
# tools/run-tests.sh, so after `npm test` nothing is rebuilt.
set -euo pipefail
cd "$(dirname "$0")/../.."
JOBS="${NATTER_JOBS:-2}"
cmake -S . -B build/native -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/native -j"$JOBS" --target natter_tests natter_opus_encode_cli
CC=clang CXX=clang++ cmake -S . -B build/fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNATTER_FUZZ=ON >/dev/null
cmake --build build/fuzz -j"$JOBS" --target frame_decoder_fuzz
