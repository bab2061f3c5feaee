# shellcheck shell=bash
# Temporal part of infra/stack.sh (sourced; uses its helpers and variables).
# The Temporal CLI is built once per machine into $CACHE/bin with `go install`, linked as
# .stack/bin/temporal, and run as `temporal server start-dev` with a SQLite file in .stack/temporal.
# It runs as the invoking user (it needs no privileges and refuses nothing as root).

TEMPORAL_CLI_VERSION=v1.5.1
TEMPORAL_CLI_MODULE=github.com/temporalio/cli
TEMPORAL_CACHE_BIN="$CACHE/bin/temporal"
TEMPORAL_BIN="$STACK/bin/temporal"
TEMPORAL_DIR="$STACK/temporal"
TEMPORAL_LOG="$LOG_DIR/temporal.log"
TEMPORAL_BUILD_LOG="$LOG_DIR/temporal-build.log"
TEMPORAL_PIDFILE="$RUN_DIR/temporal.pid"
TEMPORAL_SEARCH_ATTRIBUTES=(ImportStatus ImportSource ImportFileName)   # all Keyword

go_cmd() {
  if command -v go >/dev/null 2>&1; then command -v go
  elif [[ -x /usr/local/go/bin/go ]]; then echo /usr/local/go/bin/go
  fi
}

# The cached binary exists, runs, and (when go can tell) is the wanted version.
temporal_cli_ok() {
  [[ -x "$TEMPORAL_CACHE_BIN" ]] || return 1
  "$TEMPORAL_CACHE_BIN" --version >/dev/null 2>&1 || return 1
  local go; go="$(go_cmd)"
  [[ -z "$go" ]] && return 0
  "$go" version -m "$TEMPORAL_CACHE_BIN" 2>/dev/null |
    grep -Eq "^[[:space:]]+mod[[:space:]]+${TEMPORAL_CLI_MODULE}[[:space:]]+${TEMPORAL_CLI_VERSION}([[:space:]]|\$)"
}

temporal_ensure_cli() {
  mkdir -p "$CACHE/bin"
  # Another `go install` of the CLI (started by hand or by a parallel run) writes the same file.
  if pgrep -f "go install .*$TEMPORAL_CLI_MODULE" >/dev/null 2>&1; then
    log "temporal: a 'go install' of the Temporal CLI is already running, waiting for it to finish…"
    while pgrep -f "go install .*$TEMPORAL_CLI_MODULE" >/dev/null 2>&1; do sleep 3; done
  fi
  if ! temporal_cli_ok; then
    local go; go="$(go_cmd)"
    [[ -n "$go" ]] || die "temporal: go not found: install Go >= 1.22 to build the Temporal CLI (or set TEMPORAL_ADDRESS to use an existing Temporal server)"
    exec 9>"$CACHE/.temporal-build.lock"
    flock 9
    if ! temporal_cli_ok; then
      log "temporal: building CLI $TEMPORAL_CLI_VERSION with go install (first time only, takes a few minutes; log $TEMPORAL_BUILD_LOG)…"
      local t0=$SECONDS
      GOBIN="$CACHE/bin" "$go" install "$TEMPORAL_CLI_MODULE/cmd/temporal@$TEMPORAL_CLI_VERSION" \
        >>"$TEMPORAL_BUILD_LOG" 2>&1 </dev/null ||
        fail_with_log temporal "go install $TEMPORAL_CLI_MODULE/cmd/temporal@$TEMPORAL_CLI_VERSION failed" "$TEMPORAL_BUILD_LOG"
      temporal_cli_ok || fail_with_log temporal "the built $TEMPORAL_CACHE_BIN does not run" "$TEMPORAL_BUILD_LOG"
      log "temporal: CLI built in $((SECONDS - t0))s into $TEMPORAL_CACHE_BIN"
    fi
    flock -u 9
    exec 9>&-
  fi
  ln -sfn "$TEMPORAL_CACHE_BIN" "$TEMPORAL_BIN"
}

# With TEMPORAL_ADDRESS given we start no server, but still offer the CLI if it is already built.
temporal_link_cli_if_cached() {
  if temporal_cli_ok; then ln -sfn "$TEMPORAL_CACHE_BIN" "$TEMPORAL_BIN"; fi
}

# SQLite settings of the dev server's store (infra/STACK.md, "Temporal's storage"). With SQLite's defaults (a
# rollback journal, synchronous=FULL) every commit waits for several fsyncs and the server managed ~8 no-op
# workflows/s here; write-ahead log with synchronous=NORMAL did ~20/s and still loses nothing when a process
# stops or crashes (only an OS crash or power cut can drop the last commits). STACK_TEMPORAL_SQLITE_PRAGMAS
# replaces them ("journal_mode=WAL synchronous=FULL": also safe from power cuts, ~16/s; "" for SQLite's defaults).
TEMPORAL_SQLITE_PRAGMAS="${STACK_TEMPORAL_SQLITE_PRAGMAS-journal_mode=WAL synchronous=NORMAL}"

temporal_running_pid() { live_pid "$TEMPORAL_PIDFILE" "server start-dev"; }

temporal_start() {
  temporal_ensure_cli
  mkdir -p "$TEMPORAL_DIR"
  local pid; pid="$(temporal_running_pid)"
  if [[ -n "$pid" ]]; then
    local addr; addr="$(read_addr temporal)"
    [[ "$addr" == "127.0.0.1:$TEMPORAL_PORT" ]] ||
      log "temporal: WARNING already running on $addr, not 127.0.0.1:$TEMPORAL_PORT ('down' then 'up' to change it)"
    log "temporal: already running (pid $pid, $addr)"
    return 0
  fi
  port_busy "$TEMPORAL_PORT" &&
    die "temporal: port 127.0.0.1:$TEMPORAL_PORT is already in use by another process: stop it or set STACK_TEMPORAL_PORT"
  port_busy "$TEMPORAL_UI_PORT" &&
    die "temporal: UI port 127.0.0.1:$TEMPORAL_UI_PORT is already in use by another process: stop it or set STACK_TEMPORAL_UI_PORT"

  local sa_flags=() name pragma_flags=() pragma
  for name in "${TEMPORAL_SEARCH_ATTRIBUTES[@]}"; do sa_flags+=(--search-attribute "$name=Keyword"); done
  for pragma in $TEMPORAL_SQLITE_PRAGMAS; do pragma_flags+=(--sqlite-pragma "$pragma"); done
  log "temporal: starting dev server on 127.0.0.1:$TEMPORAL_PORT, UI 127.0.0.1:$TEMPORAL_UI_PORT (log $TEMPORAL_LOG)"
  printf '\n==== %s start-dev\n' "$(date -Is)" >>"$TEMPORAL_LOG"
  # setsid: own session, so it outlives this script and ignores the caller's terminal signals.
  setsid "$TEMPORAL_BIN" server start-dev \
    --ip 127.0.0.1 --port "$TEMPORAL_PORT" \
    --ui-ip 127.0.0.1 --ui-port "$TEMPORAL_UI_PORT" \
    --db-filename "$TEMPORAL_DIR/temporal.db" \
    --namespace default \
    --log-level warn \
    "${sa_flags[@]}" "${pragma_flags[@]}" \
    >>"$TEMPORAL_LOG" 2>&1 </dev/null &
  echo $! >"$TEMPORAL_PIDFILE"
  save_addr temporal "127.0.0.1:$TEMPORAL_PORT"
  save_addr temporal-ui "http://127.0.0.1:$TEMPORAL_UI_PORT"
}

temporal_wait_ready() {
  local addr deadline=$((SECONDS + 120)) pid
  addr="$(read_addr temporal)"
  log "temporal: waiting for $addr…"
  while :; do
    pid="$(temporal_running_pid)"
    [[ -n "$pid" ]] || fail_with_log temporal "the dev server exited" "$TEMPORAL_LOG"
    if "$TEMPORAL_BIN" operator cluster health --address "$addr" --command-timeout 5s 2>/dev/null |
       grep -q SERVING; then
      break
    fi
    ((SECONDS < deadline)) || fail_with_log temporal "not SERVING on $addr after 120s" "$TEMPORAL_LOG"
    sleep 1
  done

  # The search attributes the workflows use must exist (start-dev registers them; an older
  # database may lack one).
  local listed name
  listed="$("$TEMPORAL_BIN" operator search-attribute list --address "$addr" --namespace default 2>&1)" ||
    fail_with_log temporal "cannot list search attributes: $listed" "$TEMPORAL_LOG"
  for name in "${TEMPORAL_SEARCH_ATTRIBUTES[@]}"; do
    if ! grep -qw "$name" <<<"$listed"; then
      log "temporal: creating search attribute $name (Keyword)"
      "$TEMPORAL_BIN" operator search-attribute create --address "$addr" --namespace default \
        --name "$name" --type Keyword >/dev/null 2>&1 ||
        fail_with_log temporal "cannot create search attribute $name" "$TEMPORAL_LOG"
    fi
  done
  log "temporal: ready ($addr, namespace default, search attributes ${TEMPORAL_SEARCH_ATTRIBUTES[*]})"
}

temporal_down() { stop_service temporal "$(temporal_running_pid)" "$TEMPORAL_PIDFILE" 30; }

temporal_status() {
  if temporal_external; then
    printf '%-14s %-8s %-10s %s\n' temporal external - "$TEMPORAL_ADDRESS (given by the environment)"
    return 0
  fi
  local pid addr; pid="$(temporal_running_pid)"
  addr="$(read_addr temporal)"; addr="${addr:-127.0.0.1:$TEMPORAL_PORT}"
  if [[ -n "$pid" ]]; then
    printf '%-14s %-8s %-10s %s (UI %s)\n' temporal running "pid $pid" "$addr" "$(read_addr temporal-ui)"
  else
    printf '%-14s %-8s %-10s %s\n' temporal stopped - "$addr"
  fi
}
