#!/usr/bin/env bash
# Local services for course-import, as plain processes (no Docker), under <project>/.stack,
# bound to 127.0.0.1 only.
#
#   bash infra/stack.sh up       install what is missing, start, wait until ready (idempotent)
#   bash infra/stack.sh down     stop the services, keep the data
#   bash infra/stack.sh status   one line per service
#   bash infra/stack.sh env      `export NAME=value` lines:  eval "$(bash infra/stack.sh env)"
#
# A service whose address is already in the environment (DATABASE_URL, TEMPORAL_ADDRESS,
# ELASTICSEARCH_URL) is used as given and not started. See infra/STACK.md.
# shellcheck source-path=SCRIPTDIR
set -euo pipefail

INFRA_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PROJECT_DIR="$(cd "$INFRA_DIR/.." && pwd)"
STACK="$PROJECT_DIR/.stack"
RUN_DIR="$STACK/run"
LOG_DIR="$STACK/log"

if [[ -z "${HOME:-}" ]]; then
  HOME="$(getent passwd "$(id -u)" | cut -d: -f6)"
  export HOME
fi
CACHE="${COURSE_IMPORT_CACHE:-$HOME/.cache/course-import}"

PG_PORT="${STACK_PG_PORT:-55432}"
TEMPORAL_PORT="${STACK_TEMPORAL_PORT:-7233}"
TEMPORAL_UI_PORT="${STACK_TEMPORAL_UI_PORT:-8233}"
ES_PORT="${STACK_ES_PORT:-9200}"

SVC_USER_NAME=courseimport           # system user that runs PostgreSQL and Elasticsearch when we are root

# ---------------------------------------------------------------------------------------------
# helpers

log() { printf '[stack] %s\n' "$*" >&2; }
die() { printf '[stack] ERROR: %s\n' "$*" >&2; exit 1; }

is_root() { [[ "$(id -u)" -eq 0 ]]; }

# The user that runs PostgreSQL and Elasticsearch: a system user when root, else ourselves.
svc_user() { if is_root; then echo "$SVC_USER_NAME"; else id -un; fi; }

# Run a command as the service user (runuser keeps the environment; HOME etc. are reset).
as_svc() {
  if is_root; then runuser -u "$SVC_USER_NAME" -- "$@"; else "$@"; fi
}

# Give a folder to the service user (no-op when not root).
own_svc() { if is_root; then chown -R "$SVC_USER_NAME:$SVC_USER_NAME" "$@"; fi; }

ensure_svc_user() {
  is_root || return 0
  if ! id -u "$SVC_USER_NAME" >/dev/null 2>&1; then
    log "creating system user $SVC_USER_NAME"
    useradd --system --user-group --home-dir /nonexistent --no-create-home \
      --shell /usr/sbin/nologin "$SVC_USER_NAME"
  fi
  # The service user must be able to reach .stack through every parent folder.
  # A clone under a private folder (/root/…) would lock it out: give every parent folder the search bit
  # (o+x lets it pass through, not list or read), and say so.
  if ! runuser -u "$SVC_USER_NAME" -- test -x "$STACK"; then
    local dir="$STACK"
    while [[ "$dir" != "/" ]]; do
      dir="$(dirname "$dir")"
      if [[ -d "$dir" ]] && ! runuser -u "$SVC_USER_NAME" -- test -x "$dir"; then
        log "letting $SVC_USER_NAME pass through $dir (chmod o+x)"
        chmod o+x "$dir"
      fi
    done
    runuser -u "$SVC_USER_NAME" -- test -x "$STACK" ||
      die "user $SVC_USER_NAME cannot enter $STACK even after chmod o+x on its parents: move the clone to a shared folder"
  fi
}

APT_UPDATED=0
apt_install() {
  is_root || die "cannot install $* without root: install it (apt-get install -y $*) and run again"
  command -v apt-get >/dev/null || die "apt-get not found: install $* by hand"
  if [[ "$APT_UPDATED" -eq 0 ]]; then
    log "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 </dev/null
    APT_UPDATED=1
  fi
  log "apt-get install -y $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2 </dev/null
}

# pid from a pid file if that process is alive and its command line contains $2; else "" (and the
# stale pid file is removed).
live_pid() {
  local file="$1" pattern="$2" pid
  [[ -s "$file" ]] || { echo ""; return 0; }
  pid="$(head -n1 "$file" | tr -dc '0-9')"
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null &&
     tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$pattern"; then
    echo "$pid"
  else
    rm -f "$file" 2>/dev/null || true
    echo ""
  fi
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# SIGTERM, wait up to $2 seconds, then SIGKILL.
stop_pid() {
  local pid="$1" timeout="$2" name="$3" i
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < timeout * 5; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.2
  done
  log "$name: still running after ${timeout}s, sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
}

# Stops a service this script started: $1 name, $2 its pid (empty when not running), $3 pid file, $4 timeout.
stop_service() {
  local name="$1" pid="$2" pidfile="$3" timeout="$4"
  if [[ -z "$pid" ]]; then
    log "$name: not running"
    return 0
  fi
  log "$name: stopping (pid $pid)"
  stop_pid "$pid" "$timeout" "$name"
  rm -f "$pidfile"
}

fail_with_log() {
  local service="$1" message="$2"; shift 2
  printf '[stack] ERROR: %s: %s\n' "$service" "$message" >&2
  local f
  for f in "$@"; do
    [[ -f "$f" ]] || continue
    printf '[stack] ---- last lines of %s ----\n' "$f" >&2
    tail -n 40 "$f" >&2 || true
  done
  exit 1
}

# Address recorded by `up` for a service we started (so `env` reports what actually runs).
save_addr() { printf '%s\n' "$2" >"$RUN_DIR/$1.addr"; }
read_addr() { if [[ -s "$RUN_DIR/$1.addr" ]]; then head -n1 "$RUN_DIR/$1.addr"; fi; }

# shellcheck source=lib/postgres.sh
source "$INFRA_DIR/lib/postgres.sh"
# shellcheck source=lib/temporal.sh
source "$INFRA_DIR/lib/temporal.sh"
# shellcheck source=lib/elasticsearch.sh
source "$INFRA_DIR/lib/elasticsearch.sh"

# A service is external when its address variable is set to something other than this stack's
# own address. (After `eval "$(bash infra/stack.sh env)"` the variables name our own services,
# which `up`, `down` and `status` must still manage; but if our address is taken by a server we did
# not start, the variable is taken to mean that server.)
own_or_foreign() {   # given own pid port -> 0 if it is ours
  [[ "$1" == "$2" ]] || return 1
  [[ -n "$3" ]] && return 0
  ! port_busy "$4"
}
pg_external() {
  [[ -n "${DATABASE_URL:-}" ]] || return 1
  local own; own="$(pg_url 2>/dev/null)" || return 0
  [[ "$DATABASE_URL" != "$own" ]]
}
temporal_external() {
  [[ -n "${TEMPORAL_ADDRESS:-}" ]] || return 1
  local own; own="$(read_addr temporal)"; own="${own:-127.0.0.1:$TEMPORAL_PORT}"
  ! own_or_foreign "$TEMPORAL_ADDRESS" "$own" "$(temporal_running_pid)" "${own##*:}"
}
es_external() {
  [[ -n "${ELASTICSEARCH_URL:-}" ]] || return 1
  local own; own="$(read_addr elasticsearch)"; own="${own:-http://127.0.0.1:$ES_PORT}"
  ! own_or_foreign "${ELASTICSEARCH_URL%/}" "$own" "$(es_running_pid)" "${own##*:}"
}

# ---------------------------------------------------------------------------------------------
# commands

cmd_up() {
  local t0=$SECONDS need_pg=1 need_temporal=1 need_es=1
  pg_external && { log "postgres: DATABASE_URL is set, using it (not starting PostgreSQL)"; need_pg=0; }
  temporal_external && { log "temporal: TEMPORAL_ADDRESS=$TEMPORAL_ADDRESS is set, using it (not starting Temporal)"; need_temporal=0; }
  es_external && { log "elasticsearch: ELASTICSEARCH_URL=$ELASTICSEARCH_URL is set, using it (not starting Elasticsearch)"; need_es=0; }

  mkdir -p "$STACK" "$RUN_DIR" "$LOG_DIR" "$STACK/bin"
  cd "$STACK"   # the service user may not be able to read the caller's working directory
  if ((need_pg || need_es)); then
    ensure_svc_user
    # pid files and logs of PostgreSQL and Elasticsearch are written by the service user
    is_root && chown "$SVC_USER_NAME:$SVC_USER_NAME" "$RUN_DIR" "$LOG_DIR"
  fi

  # Slow starters first, in the background: Elasticsearch boots (~30 s) while the Temporal CLI is
  # built or started and PostgreSQL is set up.
  ((need_es)) && es_start
  if ((need_temporal)); then
    temporal_start
  else
    temporal_link_cli_if_cached
  fi
  ((need_pg)) && pg_up
  ((need_temporal)) && temporal_wait_ready
  ((need_es)) && es_wait_ready
  log "up: ready in $((SECONDS - t0))s (eval \"\$(bash infra/stack.sh env)\" to use it)"
}

cmd_down() {
  pg_down
  temporal_down
  es_down
}

cmd_status() {
  pg_status
  temporal_status
  es_status
}

emit() { printf 'export %s=%q\n' "$1" "$2"; }

cmd_env() {
  if [[ -n "${DATABASE_URL:-}" ]]; then
    emit DATABASE_URL "$DATABASE_URL"
  else
    local url; url="$(pg_url)"
    emit DATABASE_URL "$url"
  fi

  if [[ -n "${TEMPORAL_ADDRESS:-}" ]]; then
    emit TEMPORAL_ADDRESS "$TEMPORAL_ADDRESS"
    emit TEMPORAL_NAMESPACE "${TEMPORAL_NAMESPACE:-default}"
    [[ -n "${TEMPORAL_UI_URL:-}" ]] && emit TEMPORAL_UI_URL "$TEMPORAL_UI_URL"
  else
    local addr ui
    addr="$(read_addr temporal)"; addr="${addr:-127.0.0.1:$TEMPORAL_PORT}"
    ui="$(read_addr temporal-ui)"; ui="${ui:-http://127.0.0.1:$TEMPORAL_UI_PORT}"
    emit TEMPORAL_ADDRESS "$addr"
    emit TEMPORAL_NAMESPACE default
    emit TEMPORAL_UI_URL "$ui"
  fi
  if [[ -n "${TEMPORAL_CLI_PATH:-}" ]]; then
    emit TEMPORAL_CLI_PATH "$TEMPORAL_CLI_PATH"
  elif [[ -e "$STACK/bin/temporal" ]]; then
    emit TEMPORAL_CLI_PATH "$STACK/bin/temporal"
  fi

  if [[ -n "${ELASTICSEARCH_URL:-}" ]]; then
    emit ELASTICSEARCH_URL "$ELASTICSEARCH_URL"
  else
    local es; es="$(read_addr elasticsearch)"
    emit ELASTICSEARCH_URL "${es:-http://127.0.0.1:$ES_PORT}"
  fi
}

usage() {
  echo "usage: bash infra/stack.sh up|down|status|env" >&2
  exit 2
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  env) cmd_env ;;
  *) usage ;;
esac
