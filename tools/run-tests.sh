#!/usr/bin/env bash
# Runs every test suite (npm test). Each suite runs even when an earlier one
# failed; the script fails if any did. Suites:
#   native     GoogleTest via ctest (Release build)
#   sanitized  the same suites under AddressSanitizer + UBSan
#   fuzz       libFuzzer on the frame decoder, bounded time
#   wasm       the WASM build + dist/ (npm run build)
#   node       node --test: WASM core, shim, reference server
#   commerce   the gateway's shop tools and the page's basket actions against a real commerce engine
#              (Vendure on SQLite, tools/vendure/: installed once into a
#              cache outside the clone, started and stopped by the tests)
#   browser    headless Chromium against the reference server
#   deploy     headless Chromium on three HTTPS origins: the shop, the CDN
#              (nginx serving a release folder), the gateway behind HAProxy
#   engines    the same stories in Chromium, Firefox ESR and WebKitGTK
#              (tests/engines/), one engine after another
#
# tools/run-tests.sh --quick (npm run test:quick) is the inner loop: the
# native suite with QUICK_SEEDS simulated seeds instead of 10,000, the WASM
# build, the node and server suites, and the browser smoke stories of
# QUICK_BROWSER. It replaces none of the above: CONTRIBUTING.md, "Quick
# tests", says when it is enough.
#
# Every C/C++ compile goes through ccache (cmake/ccache.cmake, and
# EM_COMPILER_WRAPPER in tools/bundle/build.mjs), whose cache lives outside
# the clone: a fresh clone on a machine that ran the suites before
# recompiles only what changed.
set -uo pipefail
cd "$(dirname "$0")/.."
export NODE_PATH=/usr/share/nodejs
JOBS=${NATTER_JOBS:-2}
FUZZ_SECONDS=${NATTER_FUZZ_SECONDS:-30}
LOGS=build/test-logs
mkdir -p "$LOGS"
passed=(); failed=()

# Each suite's output also goes to build/test-logs/NAME.log, so the summary at
# the end can repeat what failed: a CI log is often read from its tail only.
# Each suite's wall time goes to the summary too (the figures in
# CONTRIBUTING.md, "Test times", come from it).
times=()
suite() {  # suite NAME COMMAND...
  local name=$1; shift
  local start=$SECONDS
  echo; echo "=== suite: $name"
  if "$@" 2>&1 | tee "$LOGS/$name.log"; then passed+=("$name")
  else failed+=("$name"); echo "=== suite FAILED: $name"; fi
  times+=("$name $((SECONDS - start)) s")
}

# The failing tests' lines: node's spec reporter marks them with ✖, ctest
# with "Failed" or "***", a crash or sanitizer report with ERROR.
failures_of() {  # failures_of NAME
  grep -E '✖|\*\*\*Failed|\(Failed\)|\*\*\*Exception|ERROR: |Segmentation fault' "$LOGS/$1.log" |
    awk '!seen[$0]++' | head -n 40
  failure_details "$1"
}

# And why: node's spec reporter ends with a "failing tests:" section (each
# failure's error message, values and stack). Repeated here without node's
# own stack frames, so a CI log's tail says what each failed test saw.
failure_details() {  # failure_details NAME
  grep -q '✖ failing tests:' "$LOGS/$1.log" || return 0
  echo; echo "--- why (from the spec reporter's failing tests)"
  sed -n '/✖ failing tests:/,$p' "$LOGS/$1.log" | tail -n +2 |
    grep -vE '^ +at (node:|async node:|.*\(node:)|^ +(generatedMessage|code|operator):' | head -n 120
}

native() {
  cmake -S . -B build/native -DCMAKE_BUILD_TYPE=Release >/dev/null &&
  cmake --build build/native -j"$JOBS" &&
  ctest --test-dir build/native --output-on-failure -j"$JOBS"
}

QUICK_SEEDS=${NATTER_QUICK_SEEDS:-300}
native_quick() { NATTER_SIM_SEEDS=$QUICK_SEEDS native; }

sanitized() {
  cmake -S . -B build/asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNATTER_SANITIZE=ON >/dev/null &&
  cmake --build build/asan -j"$JOBS" --target natter_tests &&
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 NATTER_SIM_SEEDS=1000 \
    ctest --test-dir build/asan --output-on-failure -j"$JOBS"
}

fuzz() {
  CC=clang CXX=clang++ cmake -S . -B build/fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNATTER_FUZZ=ON >/dev/null &&
  cmake --build build/fuzz -j"$JOBS" --target frame_decoder_fuzz &&
  mkdir -p build/fuzz/corpus &&
  build/fuzz/tests/fuzz/frame_decoder_fuzz -max_total_time="$FUZZ_SECONDS" -print_final_stats=1 \
    build/fuzz/corpus tests/fuzz/corpus 2>&1 | tail -n 12
  return "${PIPESTATUS[0]}"
}

wasm() { node tools/bundle/build.mjs; }

node_suites() { node --test --test-reporter=spec tests/node/ tests/server/; }

commerce() { node --test --test-concurrency=1 --test-reporter=spec tests/commerce/; }

browser() { node --test --test-concurrency=1 --test-reporter=spec tests/browser/; }

deploy() { node --test --test-concurrency=1 --test-reporter=spec tests/deploy/; }

# One file per engine, one at a time (each starts its own server and browser).
engines() { node --test --test-concurrency=1 --test-reporter=spec tests/engines/*.test.mjs; }

# The smoke stories: one message sent once over HTTP, the keyboard's rules
# and limits, agent text rendered safely, the live session through a
# dropped socket, and the widget's screenshots.
QUICK_BROWSER=(send-once keyboard-and-limits replies-render-safely session-disconnect screenshots)
browser_quick() {
  local files=()
  for name in "${QUICK_BROWSER[@]}"; do files+=("tests/browser/$name.test.mjs"); done
  node --test --test-concurrency=1 --test-reporter=spec "${files[@]}"
}

case "${1:-}" in
  --quick)
    suite native native_quick
    suite wasm wasm
    suite node node_suites
    suite browser browser_quick
    ;;
  '')
    # NATTER_SUITES="wasm node browser" runs those suites alone, in this order
    # (node needs native's encoder CLI and wasm's build: name them too on a new clone).
    for name in ${NATTER_SUITES:-native sanitized fuzz wasm node commerce browser deploy engines}; do
      case $name in
        native|sanitized|fuzz|wasm|commerce|browser|deploy|engines) suite "$name" "$name" ;;
        node) suite node node_suites ;;
        *) echo "unknown suite in NATTER_SUITES: $name" >&2; exit 2 ;;
      esac
    done
    ;;
  *) echo "usage: tools/run-tests.sh [--quick]" >&2; exit 2 ;;
esac

echo
echo "suite times: $(IFS=,; echo "${times[*]}" | sed 's/,/, /g'); total $SECONDS s"
echo "suites: ${#passed[@]} passed, ${#failed[@]} failed"
[ ${#failed[@]} -eq 0 ] && exit 0
echo "failed suites: ${failed[*]}"
for name in "${failed[@]}"; do echo; echo "--- what failed in $name (whole output: $LOGS/$name.log)"; failures_of "$name"; done
exit 1
