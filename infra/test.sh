#!/usr/bin/env bash
# npm test: dependencies, the local stack (started only where no address is given), then every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash infra/deps.sh
bash infra/stack.sh up
eval "$(bash infra/stack.sh env)"
export LOG_LEVEL="${LOG_LEVEL:-warn}"
files=(test/unit/*.test.ts test/integration/*.test.ts)
if [ "$#" -gt 0 ]; then files=("$@"); fi
node --import tsx --test --test-concurrency="${TEST_CONCURRENCY:-2}" --test-reporter=spec "${files[@]}"
# The whole suite ends with the benchmark at a tiny size, so it never rots (CI checks that it runs, not how fast).
if [ "$#" -eq 0 ]; then node --import tsx bench/run.ts --quick; fi
