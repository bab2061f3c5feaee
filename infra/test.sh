#!/usr/bin/env bash
# npm test: dependencies, the local stack (started only where no address is given), then every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash infra/deps.sh
bash infra/stack.sh up
eval "$(bash infra/stack.sh env)"
export LOG_LEVEL="${LOG_LEVEL:-warn}"
# The end-to-end tests drive Debian's chromium (browsers cannot be downloaded by playwright here).
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    echo "[test] installing chromium for the end-to-end tests…" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >&2 || { apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >&2; }
  else
    echo "[test] chromium is missing: run 'sudo apt-get install -y chromium' (the e2e tests need it)" >&2
  fi
fi
# Earlier runs that were interrupted (Ctrl-C, a killed shell) left schedules, workflows, schemas, indices and
# folders behind: removed here when older than TEST_SWEEP_AGE minutes (120), so runs of other shells are safe.
node --import tsx test/support/sweep.ts || echo "[sweep] could not sweep leftovers of earlier runs (continuing)" >&2
files=(test/unit/*.test.ts test/integration/*.test.ts test/e2e/*.test.ts)
if [ "$#" -gt 0 ]; then files=("$@"); fi
# The whole suite includes the benchmark at a tiny size, so it never rots (CI checks that it runs, not how
# fast). It goes first, bounded in time, so the test runner's summary is the last thing printed.
if [ "$#" -eq 0 ]; then timeout 600 node --import tsx bench/run.ts --quick; fi
# The fault script at a tiny size (3 imports; the worker killed, Elasticsearch paused, PostgreSQL and Temporal
# restarted): it restarts shared services, so it runs alone, before the test files.
if [ "$#" -eq 0 ]; then timeout 900 node --import tsx test/soak/soak.ts --quick; fi
node --import tsx --test --test-concurrency="${TEST_CONCURRENCY:-2}" --test-reporter=spec "${files[@]}"
