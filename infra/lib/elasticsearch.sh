# shellcheck shell=bash
# Elasticsearch part of infra/stack.sh (sourced; uses its helpers and variables).
# The integ-test-zip distribution of the newest 8.x from Maven Central (cached per machine in
# $CACHE/es-<version>.zip), unpacked in .stack/es/elasticsearch-<version>, run by the service user
# on the machine's Java 17+, single node, security off, 127.0.0.1 only, with the project's analysis
# plugin (infra/es-analysis-plugin: the french/english analyzers and filters the zip lacks) built by
# javac, cached in $CACHE/es-analysis-plugin/ and installed in its plugins/.

ES_MAVEN_BASE="https://repo1.maven.org/maven2/org/elasticsearch/distribution/integ-test-zip/elasticsearch"
ES_DIR="$STACK/es"
ES_LOG="$LOG_DIR/elasticsearch.log"          # launcher output; the node's own log is in .stack/es/logs
ES_PIDFILE="$RUN_DIR/elasticsearch.pid"
ES_CLUSTER_NAME=course-import
ES_LAUNCHER_PID=""
ES_PLUGIN_SRC="$INFRA_DIR/es-analysis-plugin"
ES_PLUGIN_NAME=course-import-analysis
ES_PLUGIN_RECIPE=1                           # bump when es_plugin_build changes, to rebuild cached jars

# ---- heap ----
# Elasticsearch's guidance (reference, "Advanced configuration" > "Set the JVM heap size"): Xms = Xmx, no more
# than 50% of the memory (the rest is Lucene's file-system cache, off-heap buffers, the JVM itself), and below
# the compressed-oops threshold (~32 GB; ~26 GB for zero-based oops). A dev stack shares the machine with
# PostgreSQL, Temporal, the worker and the tests, so it takes half of that: 25% of the memory, never below
# 512 MB (the node does not start reliably with less) nor above 4 GB (a 1M-course catalogue needs less; more
# only lengthens GC pauses and takes cache from PostgreSQL). STACK_ES_JAVA_OPTS overrides all of this.
ES_HEAP_FLOOR_MB=512
ES_HEAP_CAP_MB=4096

# The memory this machine gives its processes, in MB: /proc/meminfo's MemTotal, or a smaller cgroup limit
# (a container's or a systemd slice's: v2 memory.max of this shell's cgroup or of the root, v1
# memory.limit_in_bytes), as the JVM itself sees it. Empty if unknown.
es_memory_mb() {
  local mem_kb limit mb=""
  mem_kb="$(awk '/^MemTotal:/ { print $2; exit }' /proc/meminfo 2>/dev/null || true)"
  [[ "$mem_kb" =~ ^[0-9]+$ ]] && mb=$((mem_kb / 1024))
  local v2 v1
  v2="$(sed -n 's/^0:://p' /proc/self/cgroup 2>/dev/null | head -n1 || true)"
  v1="$(sed -nE 's/^[0-9]+:([^:]*,)?memory(,[^:]*)?://p' /proc/self/cgroup 2>/dev/null | head -n1 || true)"
  for limit in "/sys/fs/cgroup${v2%/}/memory.max" /sys/fs/cgroup/memory.max \
               "/sys/fs/cgroup/memory${v1%/}/memory.limit_in_bytes" /sys/fs/cgroup/memory/memory.limit_in_bytes; do
    [[ -r "$limit" ]] || continue
    limit="$(head -n1 "$limit")"
    # "max" (v2) or a huge number (v1) means no limit
    [[ "$limit" =~ ^[0-9]+$ ]] && ((limit < 1 << 50)) || continue
    limit=$((limit / 1024 / 1024))
    [[ -z "$mb" ]] || ((limit < mb)) && mb="$limit"
  done
  echo "$mb"
}

# The heap in MB for a machine of $1 MB of memory: 25% of it, in whole 64 MB steps, within
# [ES_HEAP_FLOOR_MB, ES_HEAP_CAP_MB]; the floor when $1 is empty or not a number.
es_heap_mb() {
  local mem="${1:-}" heap
  [[ "$mem" =~ ^[0-9]+$ ]] || { echo "$ES_HEAP_FLOOR_MB"; return 0; }
  heap=$((mem / 4 / 64 * 64))
  ((heap < ES_HEAP_FLOOR_MB)) && heap=$ES_HEAP_FLOOR_MB
  ((heap > ES_HEAP_CAP_MB)) && heap=$ES_HEAP_CAP_MB
  echo "$heap"
}

# The JVM options the node starts with: STACK_ES_JAVA_OPTS when set, else Xms = Xmx = es_heap_mb of this
# machine's memory (or of $1 MB when given, for tests).
es_java_opts() {
  if [[ -n "${STACK_ES_JAVA_OPTS:-}" ]]; then echo "$STACK_ES_JAVA_OPTS"; return 0; fi
  local heap; heap="$(es_heap_mb "${1:-$(es_memory_mb)}")"
  echo "-Xms${heap}m -Xmx${heap}m"
}

# Install a command's Debian package when root, else stop with a message naming it.
need_cmd() {
  local cmd="$1" pkg="$2" why="$3"
  command -v "$cmd" >/dev/null 2>&1 && return 0
  is_root || die "$cmd not found: $why (apt-get install $pkg)"
  apt_install "$pkg"
}

# The version to run: STACK_ES_VERSION, else the one already unpacked, else the newest 8.x on
# Maven Central, else the newest cached zip.
es_pick_version() {
  if [[ -n "${STACK_ES_VERSION:-}" ]]; then echo "$STACK_ES_VERSION"; return 0; fi
  local v=""
  if [[ -s "$ES_DIR/version" ]]; then
    v="$(head -n1 "$ES_DIR/version")"
    if [[ -x "$ES_DIR/elasticsearch-$v/bin/elasticsearch" ]]; then echo "$v"; return 0; fi
  fi
  local meta
  if meta="$(curl -fsS --retry 2 --max-time 30 "$ES_MAVEN_BASE/maven-metadata.xml" 2>/dev/null)"; then
    v="$(grep -oE '<version>8\.[0-9]+\.[0-9]+</version>' <<<"$meta" | sed -E 's#</?version>##g' | sort -V | tail -n1 || true)"
  fi
  if [[ -z "$v" ]]; then
    v="$(find "$CACHE" -maxdepth 1 -name 'es-8.*.zip' -printf '%f\n' 2>/dev/null | sed -nE 's/^es-(8\.[0-9]+\.[0-9]+)\.zip$/\1/p' | sort -V | tail -n1 || true)"
    [[ -n "$v" ]] && log "elasticsearch: Maven Central metadata unreachable, using the cached $v"
  fi
  [[ -n "$v" ]] || die "elasticsearch: cannot read $ES_MAVEN_BASE/maven-metadata.xml and no es-8.*.zip is cached in $CACHE (set STACK_ES_VERSION or ELASTICSEARCH_URL)"
  echo "$v"
}

# Make sure $CACHE/es-<v>.zip exists and matches the .sha1 published next to it.
es_fetch_zip() {
  local v="$1" zip="$CACHE/es-$1.zip" url expected=""
  url="$ES_MAVEN_BASE/$v/elasticsearch-$v.zip"
  mkdir -p "$CACHE"
  if [[ -s "$zip.sha1" ]]; then
    expected="$(head -c 40 "$zip.sha1")"
  else
    expected="$(curl -fsS --retry 2 --max-time 30 "$url.sha1" 2>/dev/null | head -c 40 || true)"
    [[ "$expected" =~ ^[0-9a-f]{40}$ ]] && echo "$expected" >"$zip.sha1" || expected=""
  fi
  if [[ -s "$zip" ]]; then
    if [[ -z "$expected" ]] || [[ "$(sha1sum "$zip" | cut -c1-40)" == "$expected" ]]; then
      return 0
    fi
    log "elasticsearch: cached $zip does not match its sha1, downloading again"
    rm -f "$zip"
  fi
  [[ -n "$expected" ]] || die "elasticsearch: cannot fetch $url.sha1 (version $v on Maven Central?)"
  log "elasticsearch: downloading $v from Maven Central (~100 MB) into $CACHE"
  curl -fL --retry 3 --max-time 900 -sS -o "$zip.part" "$url" || die "elasticsearch: download of $url failed"
  [[ "$(sha1sum "$zip.part" | cut -c1-40)" == "$expected" ]] ||
    { rm -f "$zip.part"; die "elasticsearch: $url does not match its published sha1"; }
  mv "$zip.part" "$zip"
}

es_ensure_java() {
  if ! command -v java >/dev/null 2>&1; then
    is_root || die "java not found: Elasticsearch needs Java 17+ (apt-get install openjdk-17-jre-headless)"
    log "elasticsearch: java not found, installing openjdk-17-jre-headless"
    apt_install openjdk-17-jre-headless
  fi
  local major
  major="$(java -version 2>&1 | sed -nE '1s/.*version "([0-9]+).*/\1/p')"
  [[ -n "$major" && "$major" -ge 17 ]] ||
    die "java: Elasticsearch needs Java 17+, found '$(java -version 2>&1 | head -n1)' (apt-get install openjdk-17-jre-headless)"
  ES_JAVA_HOME_DIR="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
}

es_install() {
  local v="$1" home="$ES_DIR/elasticsearch-$1"
  if [[ ! -x "$home/bin/elasticsearch" ]]; then
    need_cmd unzip unzip "needed to unpack Elasticsearch"
    es_fetch_zip "$v"
    log "elasticsearch: unpacking $v into $home"
    local tmp="$ES_DIR/.unpack.$$"
    rm -rf "$tmp" && mkdir -p "$tmp"
    unzip -q "$CACHE/es-$v.zip" -d "$tmp"
    [[ -d "$tmp/elasticsearch-$v" ]] || die "elasticsearch: $CACHE/es-$v.zip has no elasticsearch-$v/ folder"
    rm -rf "$home"
    mv "$tmp/elasticsearch-$v" "$home"
    rm -rf "$tmp"
  fi
  echo "$v" >"$ES_DIR/version"
  ES_HOME="$home"
}

# ---- the analysis plugin (infra/es-analysis-plugin) ----

# Path of a javac 17+ whose folder also has `jar`: the JDK of the java that runs Elasticsearch first.
es_find_javac() {
  local c major
  for c in "${ES_JAVA_HOME_DIR:-/nonexistent}/bin/javac" "$(command -v javac 2>/dev/null || true)" \
           /usr/lib/jvm/java-17-openjdk-*/bin/javac; do
    [[ -n "$c" && -x "$c" ]] || continue
    c="$(readlink -f "$c")"
    [[ -x "$(dirname "$c")/jar" ]] || continue
    major="$("$c" -version 2>&1 | sed -nE 's/^javac ([0-9]+).*/\1/p')"
    [[ -n "$major" && "$major" -ge 17 ]] && { echo "$c"; return 0; }
  done
  return 1
}

# Cache key of the plugin's jar: the sources and descriptor template (not the README) and the recipe.
es_plugin_hash() {
  {
    (cd "$ES_PLUGIN_SRC" && find src plugin-descriptor.properties.in -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
    echo "recipe $ES_PLUGIN_RECIPE"
  } | sha256sum | cut -c1-16
}

# Compiles the plugin against $ES_HOME/lib (Elasticsearch $1) into the jar $2 (written atomically).
es_plugin_build() {
  local v="$1" out="$2" javac tmp t0=$SECONDS
  [[ -n "${ES_JAVA_HOME_DIR:-}" ]] || es_ensure_java
  if ! javac="$(es_find_javac)"; then
    is_root || die "javac not found: building the Elasticsearch analysis plugin needs a JDK 17+ (apt-get install openjdk-17-jdk-headless)"
    log "elasticsearch: javac not found, installing openjdk-17-jdk-headless"
    apt_install openjdk-17-jdk-headless
    javac="$(es_find_javac)" || die "javac 17+ still not found after installing openjdk-17-jdk-headless"
  fi
  log "elasticsearch: building the analysis plugin (infra/es-analysis-plugin) for $v with $javac"
  mkdir -p "$(dirname "$out")"
  tmp="$(mktemp -d "$(dirname "$out")/.build.XXXXXX")"
  local -a sources
  mapfile -d '' sources < <(find "$ES_PLUGIN_SRC/src" -name '*.java' -print0 | LC_ALL=C sort -z)
  if ! "$javac" --release 17 -proc:none -encoding UTF-8 -cp "$ES_HOME/lib/*" -d "$tmp/classes" \
      "${sources[@]}" >"$tmp/javac.log" 2>&1; then
    cat "$tmp/javac.log" >&2
    rm -rf "$tmp"
    die "elasticsearch: the analysis plugin (infra/es-analysis-plugin) does not compile against Elasticsearch $v"
  fi
  # fixed entry dates and order: the same sources give the same jar
  (
    cd "$tmp/classes" &&
      find . -type f -name '*.class' | LC_ALL=C sort |
      xargs "$(dirname "$javac")/jar" --create --file "$tmp/plugin.jar" --no-manifest --date=1980-01-01T00:00:02Z
  ) || { rm -rf "$tmp"; die "elasticsearch: packaging the analysis plugin failed"; }
  mv "$tmp/plugin.jar" "$out"
  rm -rf "$tmp"
  log "elasticsearch: analysis plugin built in $((SECONDS - t0))s, cached as $out"
}

# Builds the plugin for Elasticsearch $1 unless cached; sets ES_PLUGIN_JAR and ES_PLUGIN_DESCRIPTOR.
es_plugin_prepare() {
  local v="$1"
  ES_PLUGIN_JAR="$CACHE/es-analysis-plugin/$ES_PLUGIN_NAME-$v-$(es_plugin_hash).jar"
  [[ -s "$ES_PLUGIN_JAR" ]] || es_plugin_build "$v" "$ES_PLUGIN_JAR"
  ES_PLUGIN_DESCRIPTOR="$(sed -e '/^#/d' -e "s/@ELASTICSEARCH_VERSION@/$v/g" "$ES_PLUGIN_SRC/plugin-descriptor.properties.in")"
}

# Whether $ES_HOME/plugins has exactly the prepared plugin.
es_plugin_installed() {
  local dir="$ES_HOME/plugins/$ES_PLUGIN_NAME"
  cmp -s "$ES_PLUGIN_JAR" "$dir/$ES_PLUGIN_NAME.jar" &&
    [[ "$(cat "$dir/plugin-descriptor.properties" 2>/dev/null)" == "$ES_PLUGIN_DESCRIPTOR" ]]
}

# Puts the prepared plugin in $ES_HOME/plugins (the node reads it at start only).
es_plugin_install() {
  local dir="$ES_HOME/plugins/$ES_PLUGIN_NAME" stage="$ES_HOME/.plugin-$ES_PLUGIN_NAME.new"
  log "elasticsearch: installing the analysis plugin in $dir"
  rm -rf "$stage" && mkdir -p "$stage"
  cp "$ES_PLUGIN_JAR" "$stage/$ES_PLUGIN_NAME.jar"
  printf '%s\n' "$ES_PLUGIN_DESCRIPTOR" >"$stage/plugin-descriptor.properties"
  rm -rf "$dir"
  mv "$stage" "$dir"
}

es_write_config() {
  yq() { printf "'%s'" "${1//\'/\'\'}"; }   # YAML single-quoted scalar
  cat >"$ES_HOME/config/elasticsearch.yml" <<EOF
# written by infra/stack.sh on each 'up': do not edit
cluster.name: $ES_CLUSTER_NAME
node.name: stack
discovery.type: single-node
network.host: 127.0.0.1
http.port: $ES_PORT
transport.port: 9300-9400
path.data: $(yq "$ES_DIR/data")
path.logs: $(yq "$ES_DIR/logs")
xpack.security.enabled: false
cluster.routing.allocation.disk.threshold_enabled: false
action.destructive_requires_name: false
EOF
}

es_running_pid() { live_pid "$ES_PIDFILE" "org.elasticsearch"; }

# Starts the node in the background (the launcher with -d returns once the node is up);
# es_wait_ready collects it.
es_start() {
  local pid v; pid="$(es_running_pid)"
  if [[ -n "$pid" ]]; then
    local addr; addr="$(read_addr elasticsearch)"
    [[ "$addr" == "http://127.0.0.1:$ES_PORT" ]] ||
      log "elasticsearch: WARNING already running on $addr, not port $ES_PORT ('down' then 'up' to change it)"
    v="$(head -n1 "$ES_DIR/version")"
    ES_HOME="$ES_DIR/elasticsearch-$v"
    es_plugin_prepare "$v"
    if es_plugin_installed; then
      log "elasticsearch: already running (pid $pid, $addr; analysis plugin up to date)"
      return 0
    fi
    log "elasticsearch: the analysis plugin changed, restarting the node to load it"
    es_down
  fi
  need_cmd curl curl "needed to download and probe Elasticsearch"
  es_ensure_java
  mkdir -p "$ES_DIR/data" "$ES_DIR/logs" "$ES_DIR/tmp"
  v="$(es_pick_version)"
  es_install "$v"
  es_plugin_prepare "$v"
  es_plugin_installed || es_plugin_install
  port_busy "$ES_PORT" &&
    die "elasticsearch: port 127.0.0.1:$ES_PORT is already in use by another process: stop it or set STACK_ES_PORT"
  es_write_config
  own_svc "$ES_DIR"
  touch "$ES_LOG"; own_svc "$ES_LOG"
  printf '\n==== %s start %s\n' "$(date -Is)" "$v" >>"$ES_LOG"
  local java_opts; java_opts="$(es_java_opts)"
  log "elasticsearch: starting $v on http://127.0.0.1:$ES_PORT (Java $ES_JAVA_HOME_DIR, $java_opts${STACK_ES_JAVA_OPTS:+ from STACK_ES_JAVA_OPTS}, log $ES_LOG, node log $ES_DIR/logs/$ES_CLUSTER_NAME.log)"
  (
    cd "$ES_DIR" || exit 1
    as_svc env ES_JAVA_HOME="$ES_JAVA_HOME_DIR" ES_JAVA_OPTS="$java_opts" \
      ES_TMPDIR="$ES_DIR/tmp" ES_PATH_CONF="$ES_HOME/config" \
      "$ES_HOME/bin/elasticsearch" -d -p "$ES_PIDFILE" >>"$ES_LOG" 2>&1 </dev/null
  ) &
  ES_LAUNCHER_PID=$!
  save_addr elasticsearch "http://127.0.0.1:$ES_PORT"
}

es_wait_ready() {
  local url node_log="$ES_DIR/logs/$ES_CLUSTER_NAME.log"
  url="$(read_addr elasticsearch)"
  if [[ -n "$ES_LAUNCHER_PID" ]]; then
    log "elasticsearch: waiting for the node to start…"
    wait "$ES_LAUNCHER_PID" || fail_with_log elasticsearch "failed to start" "$ES_LOG" "$node_log"
    ES_LAUNCHER_PID=""
ES_PLUGIN_SRC="$INFRA_DIR/es-analysis-plugin"
ES_PLUGIN_NAME=course-import-analysis
ES_PLUGIN_RECIPE=1                           # bump when es_plugin_build changes, to rebuild cached jars
  fi
  local deadline=$((SECONDS + 120))
  while :; do
    [[ -n "$(es_running_pid)" ]] || fail_with_log elasticsearch "the node is not running" "$ES_LOG" "$node_log"
    if curl -fsS --max-time 70 "$url/_cluster/health?wait_for_status=yellow&timeout=60s" >/dev/null 2>&1; then
      break
    fi
    ((SECONDS < deadline)) || fail_with_log elasticsearch "cluster not yellow at $url after 120s" "$ES_LOG" "$node_log"
    sleep 1
  done
  # (GET / answers 405 on the integ-test-zip: its rest-root module is not shipped)
  local version
  version="$(curl -fsS "$url/_nodes/_local?filter_path=nodes.*.version" 2>/dev/null | grep -oE '"version":"[^"]+"' | cut -d'"' -f4 || true)"
  log "elasticsearch: ready ($url, Elasticsearch ${version:-?})"
}

es_down() { stop_service elasticsearch "$(es_running_pid)" "$ES_PIDFILE" 60; }

es_status() {
  if es_external; then
    printf '%-14s %-8s %-10s %s\n' elasticsearch external - "$ELASTICSEARCH_URL (given by the environment)"
    return 0
  fi
  local pid addr; pid="$(es_running_pid)"
  addr="$(read_addr elasticsearch)"; addr="${addr:-http://127.0.0.1:$ES_PORT}"
  if [[ -n "$pid" ]]; then
    printf '%-14s %-8s %-10s %s (%s)\n' elasticsearch running "pid $pid" "$addr" "$(head -n1 "$ES_DIR/version" 2>/dev/null)"
  else
    printf '%-14s %-8s %-10s %s\n' elasticsearch stopped - "$addr"
  fi
}
