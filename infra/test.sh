#!/usr/bin/env bash
# npm test: dependencies, the local stack (started only where no address is given), then every test.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/provision.sh
source infra/lib/provision.sh
# The end-to-end tests drive Debian's chromium (browsers cannot be downloaded by playwright here).
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    echo "[test] installing chromium for the end-to-end tests…" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >&2 || { apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >&2; }
  else
    echo "[test] chromium is missing: run 'sudo apt-get install -y chromium' (the e2e tests need it)" >&2
  fi
fi
sweep_leftovers
# The worker, watcher and server run from the build (dist/, as `npm start` runs them): build it from this source.
node --import tsx infra/build.ts
files=(test/unit/*.test.ts test/integration/*.test.ts test/e2e/*.test.ts)
if [ "$#" -gt 0 ]; then files=("$@"); fi
# The whole suite includes the benchmark at a tiny size, so it never rots (CI checks that it runs, not how
# fast). It goes first, bounded in time, so the test runner's summary is the last thing printed.
if [ "$#" -eq 0 ]; then timeout 600 node --import tsx bench/run.ts --quick; fi
# The fault script at a tiny size (4 imports; the worker killed, Elasticsearch paused, PostgreSQL and Temporal
# restarted): it restarts shared services, so it runs alone, before the test files.
if [ "$#" -eq 0 ]; then timeout 900 node --import tsx test/soak/soak.ts --quick; fi
node --import tsx --test --test-concurrency="${TEST_CONCURRENCY:-2}" --test-reporter=spec "${files[@]}"
