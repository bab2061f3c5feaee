#!/usr/bin/env bash
# npm start: dependencies, the local stack, then the worker, the watcher and the admin server in the foreground,
# supervised (a process that dies is restarted; Ctrl-C stops them all).
set -euo pipefail
cd "$(dirname "$0")/.."
bash infra/deps.sh
bash infra/stack.sh up
eval "$(bash infra/stack.sh env)"
# The ingest folders and the addresses, from the configuration the processes read (INGEST_DIR, PORT, HOST…):
# src/supervisor/banner.ts. An invalid configuration stops here, with its message.
node --import tsx src/supervisor/banner.ts
# The supervisor runs the worker, the watcher and the admin server (their npm scripts' command lines), restarts
# one that dies with backoff (logged), and stops them all on Ctrl-C: src/supervisor/main.ts. exec: the signals
# of this terminal go to it, and no shell is left waiting.
# The processes run the build (dist/, esbuild, under a second): JavaScript, no TypeScript compiled at each start.
node --import tsx infra/build.ts
exec node --enable-source-maps dist/supervisor.js
