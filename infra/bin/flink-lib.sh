# Helpers shared by the flink-* scripts; sourced, not run.
# Needs bash only: HTTP goes through /dev/tcp so a bare Debian machine (no curl) can use the scripts.

flink_classes=(
  org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint
  org.apache.flink.runtime.taskexecutor.TaskManagerRunner
)

# Reflection into the JDK that Flink's serializers, network stack and client need on Java 17.
jdk_opens=(
  --add-exports=java.base/sun.net.util=ALL-UNNAMED
  --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED
  --add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED
  --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/java.text=ALL-UNNAMED
  --add-opens=java.base/java.time=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED
)

# Absolute form of a path that may not exist yet.
flink_abs() { realpath -m -- "$1"; }

# The Flink classpath of infra/, regenerated when the POMs changed since it was written.
flink_classpath() {
  local cp_file="$root/infra/target/flink.classpath"
  if [ ! -s "$cp_file" ] || [ "$root/infra/pom.xml" -nt "$cp_file" ] || [ "$root/pom.xml" -nt "$cp_file" ]; then
    local out
    # quiet unless it fails: Debian's Maven prints colour codes even with -q
    if ! out="$(cd "$root" && mvn -B -q -pl infra generate-resources 2>&1)"; then
      printf '%s\n' "$out" >&2
      echo "flink: could not resolve the Flink classpath with Maven (above)" >&2
      return 1
    fi
    # Maven leaves an unchanged classpath file alone, and its age would call Maven every time
    touch "$cp_file"
  fi
  cat "$cp_file"
}

# Value of a top-level key in DIR/conf/config.yaml (as flink-start writes it: one flat key a line).
# Empty when there is no such file or key.
flink_conf() {
  [ -f "$1/conf/config.yaml" ] || return 0
  sed -n "s/^$2: *'\{0,1\}\([^']*\)'\{0,1\}\$/\1/p" "$1/conf/config.yaml" | head -n 1
}

# True when pid is alive and is a JVM of the cluster whose conf dir is $2 (guards against pid reuse).
flink_is_ours() {
  local pid="$1" conf="$2"
  [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' '\n' 2>/dev/null < "/proc/$pid/cmdline" | grep -A1 -x -- --configDir | tail -n 1 | grep -qxF -- "$conf"
}

# Pids of every JobManager/TaskManager JVM started with --configDir $1, pid file or not.
flink_pids_of() {
  local conf="$1" f pid
  # one grep over all command lines (NUL-separated arguments) finds the candidates
  for f in $(grep -lzxF -- "$conf" /proc/[0-9]*/cmdline 2>/dev/null || true); do
    pid="${f#/proc/}"; pid="${pid%/cmdline}"
    if flink_is_ours "$pid" "$conf" \
        && grep -qzxF -e "${flink_classes[0]}" -e "${flink_classes[1]}" "$f" 2>/dev/null; then
      echo "$pid"
    fi
  done
}

# HTTP request to the REST API on 127.0.0.1:$1. Prints the body; fails on no connection or a status
# other than 2xx (the body then goes to stderr).
flink_http() {
  local port="$1" method="$2" path="$3" resp status
  resp="$(timeout 10 bash -c '
    exec 3<>"/dev/tcp/127.0.0.1/$0" || exit 1
    printf "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: 0\r\n\r\n" "$1" "$2" >&3
    cat <&3' "$port" "$method" "$path" 2>/dev/null)" || return 1
  status="$(printf '%s\n' "$resp" | head -n 1 | cut -d' ' -f2)"
  case "$status" in
    2??) printf '%s\n' "$resp" | sed '1,/^\r\{0,1\}$/d' ;;
    *) printf '%s\n' "$resp" | sed '1,/^\r\{0,1\}$/d' >&2; return 1 ;;
  esac
}

# A number field of a flat JSON object: flink_json_num '{"a":1}' a -> 1
flink_json_num() { printf '%s' "$1" | grep -o "\"$2\":[0-9]*" | head -n 1 | cut -d: -f2; }

# A string field: flink_json_str '{"state":"RUNNING"}' state -> RUNNING
flink_json_str() { printf '%s' "$1" | grep -o "\"$2\":\"[^\"]*\"" | head -n 1 | cut -d'"' -f4; }

# Runs Flink's command-line client (CliFrontend ACTION ARGS...) against the cluster of DIR ($1), with
# its classpath plus --classpath-extra; the client logs to DIR/log/client.log. Prints what it said.
flink_client() {
  local dir="$1" cp extra
  shift
  cp="$(flink_classpath)" || return 1
  extra="$(cat "$dir/classpath-extra" 2>/dev/null || true)"
  [ -z "$extra" ] || cp="$cp:$extra"
  mkdir -p "$dir/tmp"
  # the client reads the cluster's address from FLINK_CONF_DIR
  FLINK_CONF_DIR="$dir/conf" java -XX:TieredStopAtLevel=1 "${jdk_opens[@]}" -Djava.io.tmpdir="$dir/tmp" \
    -Dlog.file="$dir/log/client.log" -Dlog4j.configurationFile="file:$dir/conf/log4j.properties" \
    -cp "$cp" org.apache.flink.client.cli.CliFrontend "$@" 2>&1
}

# Fails unless a cluster from DIR ($1) answers; $2 names the calling script in the message.
flink_require_cluster() {
  local port
  port="$(flink_conf "$1" rest.port)"
  if [ -z "$port" ] || ! flink_http "$port" GET /overview > /dev/null 2>&1; then
    echo "$2: no cluster from $1 answers${port:+ on port $port}; start one with flink-start --dir $1" >&2
    return 1
  fi
}

# The savepoint path in the client's output ("Savepoint completed. Path: file:/..."), as a plain
# path when it is on the local file system.
flink_savepoint_path() {
  local path
  path="$(printf '%s\n' "$1" | sed -n 's/.*Savepoint completed\. Path: \([^ ]*\).*/\1/p' | tail -n 1)"
  [ -n "$path" ] || return 1
  case "$path" in
    file://*) path="${path#file://}" ;;
    file:*) path="${path#file:}" ;;
  esac
  printf '%s\n' "$path"
}
