#!/usr/bin/env bash
# npm run bench [-- --quick | --medium] [--runs N]: dependencies, the local stack (started only where no
# address is given), then the benchmark. Results go to bench/results/ (git-ignored).
set -euo pipefail
cd "$(dirname "$0")/.."
bash infra/deps.sh
bash infra/stack.sh up
eval "$(bash infra/stack.sh env)"
export LOG_LEVEL="${LOG_LEVEL:-warn}"
# Earlier runs that were interrupted (Ctrl-C, a killed shell) left schedules, workflows, schemas, indices and
# folders behind: removed here when older than TEST_SWEEP_AGE minutes (120), so runs of other shells are safe.
node --import tsx test/support/sweep.ts || echo "[sweep] could not sweep leftovers of earlier runs (continuing)" >&2
exec node --import tsx bench/run.ts "$@"
