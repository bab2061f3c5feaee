#!/usr/bin/env bash
# Installs the npm dependencies when they are missing or older than the lock file (a fresh clone, a pull).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v node >/dev/null 2>&1; then
  echo "[deps] node not found: install Node.js 20 or newer" >&2; exit 1
fi
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "[deps] installing npm dependencies (npm ci)…" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
fi
