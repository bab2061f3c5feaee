#!/usr/bin/env bash
# npm run bench [-- --quick | --medium] [--runs N]: dependencies, the local stack (started only where no
# address is given), then the benchmark. Results go to bench/results/ (git-ignored).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/provision.sh
source infra/lib/provision.sh
sweep_leftovers
# The worker, watcher and server run from the build (dist/, as `npm start` runs them): build it from this source.
node --import tsx infra/build.ts
exec node --import tsx bench/run.ts "$@"
