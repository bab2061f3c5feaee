#!/usr/bin/env bash
# npm run bench [-- --quick | --medium] [--runs N]: dependencies, the local stack (started only where no
# address is given), then the benchmark. Results go to bench/results/ (git-ignored).
set -euo pipefail
cd "$(dirname "$0")/.."
bash infra/deps.sh
bash infra/stack.sh up
eval "$(bash infra/stack.sh env)"
export LOG_LEVEL="${LOG_LEVEL:-warn}"
exec node --import tsx bench/run.ts "$@"
