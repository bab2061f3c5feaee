#!/usr/bin/env bash
# npm run bench [-- --quick | --medium] [--runs N]: dependencies, the local stack (started only where no
# address is given), then the benchmark. Results go to bench/results/ (git-ignored).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/provision.sh
source infra/lib/provision.sh
sweep_leftovers
exec node --import tsx bench/run.ts "$@"
