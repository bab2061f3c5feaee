#!/usr/bin/env bash
# npm start: dependencies, the local stack, then the worker, the watcher and the admin server in the foreground,
# supervised (a process that dies is restarted; Ctrl-C stops them all).
set -euo pipefail
cd "$(dirname "$0")/.."
bash infra/deps.sh
bash infra/stack.sh up
eval "$(bash infra/stack.sh env)"
mkdir -p ingest/drop ingest/incoming ingest/processing ingest/processed ingest/error

echo "[start] worker and watcher running; drop files into $(pwd)/ingest/drop/" >&2
echo "[start] Temporal Web UI: ${TEMPORAL_UI_URL:-http://127.0.0.1:8233}" >&2
echo "[start] admin: http://${HOST:-127.0.0.1}:${PORT:-8000}/admin-dashboard/ (first time: npm run create-admin -- --email you@example.com, or start with ADMIN_EMAIL and ADMIN_PASSWORD set)" >&2
# The supervisor runs the worker, the watcher and the admin server (their npm scripts' command lines), restarts
# one that dies with backoff (logged), and stops them all on Ctrl-C: src/supervisor/main.ts. exec: the signals
# of this terminal go to it, and no shell is left waiting.
exec node --import tsx src/supervisor/main.ts
