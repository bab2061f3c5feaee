#!/usr/bin/env bash
# npm run soak [-- --quick]: dependencies, the local stack, then imports under faults (test/soak/soak.ts).
# It restarts the local PostgreSQL and Temporal server and pauses Elasticsearch: run nothing else on the stack meanwhile.
set -euo pipefail
cd "$(dirname "$0")/.."
bash infra/deps.sh
bash infra/stack.sh up
eval "$(bash infra/stack.sh env)"
export LOG_LEVEL="${LOG_LEVEL:-warn}"
exec node --import tsx test/soak/soak.ts "$@"
