#!/usr/bin/env bash
# npm start: dependencies, the local stack, then the worker, the watcher and the admin server in the foreground (Ctrl-C stops them).
set -euo pipefail
cd "$(dirname "$0")/.."
bash infra/deps.sh
bash infra/stack.sh up
eval "$(bash infra/stack.sh env)"
mkdir -p ingest/drop ingest/incoming ingest/processing ingest/processed ingest/error

pids=()
# Each process is its npm script (one definition of its command line and Node flags); npm passes signals on.
run() { SERVICE_NAME="$1" npm run --silent "$1" & pids+=("$!"); }
stop() { trap - INT TERM EXIT; kill "${pids[@]}" 2>/dev/null || true; wait || true; }
trap stop INT TERM EXIT

run worker
run watcher
run server
echo "[start] worker and watcher running; drop files into $(pwd)/ingest/drop/" >&2
echo "[start] Temporal Web UI: ${TEMPORAL_UI_URL:-http://127.0.0.1:8233}" >&2
echo "[start] admin: http://${HOST:-127.0.0.1}:${PORT:-8000}/admin-dashboard/ (first time: npm run create-admin -- --email you@example.com, or start with ADMIN_EMAIL and ADMIN_PASSWORD set)" >&2
# One process ending ends them all: a half-running pipeline is worse than a stopped one.
wait -n
exit 1
