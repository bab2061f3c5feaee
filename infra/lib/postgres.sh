# shellcheck shell=bash
# PostgreSQL part of infra/stack.sh (sourced; uses its helpers and variables).
# A cluster of its own in .stack/pg/data, run by the service user, TCP on 127.0.0.1 only,
# unix socket in .stack/pg/run.

PG_DIR="$STACK/pg"
PG_DATA="$PG_DIR/data"
PG_PASSWORD_FILE="$PG_DIR/password"
PG_LOG="$LOG_DIR/postgres.log"
PG_PIDFILE="$RUN_DIR/postgres.pid"
PG_DB=courseimport
PG_ROLE=courseimport

# Unix socket folder: inside .stack, unless the socket path would pass the 107-byte limit.
pg_socket_dir() {
  local dir="$PG_DIR/run"
  if (( ${#dir} + 20 > 107 )); then
    dir="/tmp/course-import-pg-$(printf '%s' "$STACK" | md5sum | cut -c1-12)"
  fi
  echo "$dir"
}

# bin folder of the PostgreSQL that owns the cluster, or the newest installed one.
pg_bindir() {
  local v
  if [[ -s "$PG_DATA/PG_VERSION" ]]; then
    v="$(cat "$PG_DATA/PG_VERSION")"
    if [[ -x "/usr/lib/postgresql/$v/bin/initdb" ]]; then
      echo "/usr/lib/postgresql/$v/bin"; return 0
    fi
    die "postgres: the cluster in $PG_DATA is version $v but /usr/lib/postgresql/$v/bin is missing (apt-get install postgresql-$v)"
  fi
  local newest
  newest="$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n1 || true)"
  if [[ -n "$newest" && -x "$newest/initdb" ]]; then echo "$newest"; fi
}

pg_password() {
  [[ -s "$PG_PASSWORD_FILE" ]] || die "postgres: $PG_PASSWORD_FILE is missing: run 'bash infra/stack.sh up' first (or set DATABASE_URL)"
  head -n1 "$PG_PASSWORD_FILE"
}

pg_url() {
  local pw port
  pw="$(pg_password)"
  port="$(read_addr postgres)"; port="${port##*:}"; port="${port:-$PG_PORT}"
  echo "postgres://$PG_ROLE:$pw@127.0.0.1:$port/$PG_DB"
}

pg_running_pid() {
  local pid=""
  if [[ -s "$PG_DATA/postmaster.pid" ]]; then
    pid="$(head -n1 "$PG_DATA/postmaster.pid" | tr -dc '0-9')"
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null &&
       tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q postgres; then
      echo "$pid"; return 0
    fi
  fi
  rm -f "$PG_PIDFILE" 2>/dev/null || true
  echo ""
}

pg_ensure_installed() {
  local pkg=postgresql v
  if [[ -s "$PG_DATA/PG_VERSION" ]]; then
    v="$(cat "$PG_DATA/PG_VERSION")"
    [[ -x "/usr/lib/postgresql/$v/bin/initdb" ]] && return 0
    pkg="postgresql-$v"          # the existing cluster needs its own major version
  else
    [[ -n "$(pg_bindir)" ]] && return 0
  fi
  if ! is_root; then
    die "postgres: PostgreSQL server not found (/usr/lib/postgresql/*/bin/initdb): install the Debian package '$pkg' (sudo apt-get install -y $pkg) and run again"
  fi
  log "postgres: installing the Debian package $pkg"
  apt_install "$pkg"
  [[ -n "$(pg_bindir)" ]] || die "postgres: installed '$pkg' but /usr/lib/postgresql/*/bin/initdb is still missing"
}

pg_init() {
  local bin="$1"
  if [[ ! -s "$PG_PASSWORD_FILE" ]]; then
    (
      umask 077
      if command -v openssl >/dev/null; then
        openssl rand -hex 24 >"$PG_PASSWORD_FILE.tmp"
      else
        { head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n'; echo; } >"$PG_PASSWORD_FILE.tmp"
      fi
    )
    chmod 600 "$PG_PASSWORD_FILE.tmp"
    mv "$PG_PASSWORD_FILE.tmp" "$PG_PASSWORD_FILE"
  fi
  [[ -s "$PG_DATA/PG_VERSION" ]] && return 0

  log "postgres: initialising cluster in $PG_DATA"
  rm -rf "$PG_DATA"
  mkdir -p "$PG_DATA"
  chmod 700 "$PG_DATA"
  own_svc "$PG_DATA"
  # The bootstrap superuser is "postgres", reachable only through the unix socket (mode 0700, owned
  # by the service user); TCP needs a password (scram-sha-256).
  as_svc "$bin/initdb" -D "$PG_DATA" -U postgres --encoding=UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host=scram-sha-256 >>"$PG_LOG" 2>&1 ||
    fail_with_log postgres "initdb failed" "$PG_LOG"
  cat >"$PG_DATA/pg_hba.conf" <<'EOF'
# written by infra/stack.sh
# TYPE  DATABASE  USER  ADDRESS        METHOD
local   all       all                  trust
host    all       all   127.0.0.1/32   scram-sha-256
host    all       all   ::1/128        scram-sha-256
EOF
  printf "\n# infra/stack.sh: port, addresses and sizes live in stack.conf (rewritten by each 'up')\ninclude = 'stack.conf'\n" \
    >>"$PG_DATA/postgresql.conf"
  own_svc "$PG_DATA"
}

pg_write_conf() {
  local sock="$1"
  cat >"$PG_DATA/stack.conf" <<EOF
# written by infra/stack.sh on each 'up': do not edit
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$sock'
unix_socket_permissions = 0700
max_connections = 100
shared_buffers = 256MB
fsync = on
password_encryption = scram-sha-256
logging_collector = off
log_min_messages = warning
EOF
  own_svc "$PG_DATA/stack.conf"
}

pg_provision() {
  local bin="$1" sock="$2" pw
  pw="$(pg_password)"
  # The password is hex, so it needs no quoting; it goes through stdin, not the command line.
  as_svc "$bin/psql" -X -q -h "$sock" -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 \
    >>"$PG_LOG" 2>&1 <<EOF || fail_with_log postgres "creating role/database $PG_ROLE failed" "$PG_LOG"
SELECT 'CREATE ROLE $PG_ROLE LOGIN CREATEDB'
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$PG_ROLE') \gexec
ALTER ROLE $PG_ROLE WITH LOGIN PASSWORD '$pw';
SELECT 'CREATE DATABASE $PG_DB OWNER $PG_ROLE ENCODING ''UTF8'' TEMPLATE template0'
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '$PG_DB') \gexec
EOF
}

pg_up() {
  pg_ensure_installed
  local bin sock pid
  bin="$(pg_bindir)"
  sock="$(pg_socket_dir)"
  mkdir -p "$PG_DIR" "$sock"
  chmod 700 "$sock"
  own_svc "$sock"
  pg_init "$bin"

  pid="$(pg_running_pid)"
  if [[ -n "$pid" ]]; then
    local running_port; running_port="$(sed -n 4p "$PG_DATA/postmaster.pid")"
    [[ "$running_port" == "$PG_PORT" ]] ||
      log "postgres: WARNING already running on port $running_port, not $PG_PORT ('down' then 'up' to change it)"
    PG_PORT="$running_port"
    log "postgres: already running (pid $pid, 127.0.0.1:$PG_PORT)"
  else
    port_busy "$PG_PORT" &&
      die "postgres: port 127.0.0.1:$PG_PORT is already in use by another process: stop it or set STACK_PG_PORT"
    pg_write_conf "$sock"
    log "postgres: starting on 127.0.0.1:$PG_PORT (PostgreSQL $("$bin/postgres" --version | awk '{print $3}'), log $PG_LOG)"
    touch "$PG_LOG"; own_svc "$PG_LOG"
    as_svc "$bin/pg_ctl" start -D "$PG_DATA" -l "$PG_LOG" -w -t 60 >/dev/null 2>&1 ||
      fail_with_log postgres "did not start within 60s" "$PG_LOG"
  fi
  pid="$(pg_running_pid)"
  [[ -n "$pid" ]] || fail_with_log postgres "not running after start" "$PG_LOG"
  echo "$pid" >"$PG_PIDFILE"
  save_addr postgres "127.0.0.1:$PG_PORT"

  pg_provision "$bin" "$sock"
  log "postgres: ready (database $PG_DB, role $PG_ROLE)"
}

pg_down() {
  local pid bin
  pid="$(pg_running_pid)"
  if [[ -z "$pid" ]]; then
    log "postgres: not running"
    return 0
  fi
  bin="$(pg_bindir)"
  log "postgres: stopping (pid $pid)"
  (cd "$STACK" && as_svc "$bin/pg_ctl" stop -D "$PG_DATA" -m fast -w -t 60 >/dev/null) ||
    { log "postgres: pg_ctl stop failed, sending SIGTERM"; stop_pid "$pid" 30 postgres; }
  rm -f "$PG_PIDFILE"
}

pg_status() {
  local pid addr
  if pg_external; then
    printf '%-14s %-8s %-10s %s\n' postgres external - "DATABASE_URL (given by the environment)"
    return 0
  fi
  pid="$(pg_running_pid)"
  addr="$(read_addr postgres)"; addr="${addr:-127.0.0.1:$PG_PORT}"
  if [[ -n "$pid" ]]; then
    printf '%-14s %-8s %-10s %s\n' postgres running "pid $pid" "$addr"
  else
    printf '%-14s %-8s %-10s %s\n' postgres stopped - "$addr"
  fi
}
