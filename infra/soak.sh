#!/usr/bin/env bash
# npm run soak [-- --quick]: dependencies, the local stack, then imports under faults (test/soak/soak.ts).
# It restarts the local PostgreSQL and Temporal server and pauses Elasticsearch: run nothing else on the stack meanwhile.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/provision.sh
source infra/lib/provision.sh
exec node --import tsx test/soak/soak.ts "$@"
