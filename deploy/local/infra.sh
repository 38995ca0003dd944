#!/usr/bin/env bash
# Local infrastructure for machines without Docker: a real Apache Kafka 4.x broker (KRaft,
# combined broker+controller) from the Maven Central jars, and FerretDB 1.24 (SQLite backend)
# embedded in a small Go program. Both listen on loopback only; data, logs, jars and the
# binary live under .local/ (git-ignored).
#
#   infra.sh up      start what is not running, wait until ready, write .local/infra.env
#   infra.sh down    stop the processes this script started (by their recorded pids)
#   infra.sh status  show what is running
#   infra.sh reset   down, then delete local data (jars and binary are kept)
#
# KAFKA_BROKERS / MONGODB_URI set in the environment mean "use those": nothing is started.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/deploy/local"
STATE="${LMA_LOCAL_DIR:-$ROOT/.local}"
KAFKA_PORT="${LMA_KAFKA_PORT:-19092}"
KAFKA_CONTROLLER_PORT="${LMA_KAFKA_CONTROLLER_PORT:-19093}"
FERRET_PORT="${LMA_FERRETDB_PORT:-27117}"
KAFKA_CLUSTER_ID="bG1hLWxvY2FsLWthZmthMQ" # fixed: local data is disposable, a stable id keeps restarts simple

log() { printf '[infra] %s\n' "$*" >&2; }

pid_alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for() { # wait_for <what> <timeout-s> <command...>
  local what="$1" timeout="$2"; shift 2
  local deadline=$((SECONDS + timeout))
  until "$@"; do
    if (( SECONDS >= deadline )); then log "$what not ready after ${timeout}s"; return 1; fi
    sleep 0.2
  done
}

kafka_classpath() { echo "$STATE/kafka/libs/*"; }

ensure_kafka_jars() {
  if [[ -f "$STATE/kafka/libs/.complete" ]]; then return; fi
  log "resolving Apache Kafka jars from Maven Central (first run only)"
  mkdir -p "$STATE/kafka/libs"
  mvn -q -B -f "$HERE/kafka/pom.xml" dependency:copy-dependencies \
    -DoutputDirectory="$STATE/kafka/libs" -DincludeScope=runtime
  touch "$STATE/kafka/libs/.complete"
}

ensure_ferretdb_binary() {
  local bin="$STATE/bin/ferretdb-local"
  local stamp; stamp="$(cat "$HERE/ferretdb/go.mod" "$HERE/ferretdb/go.sum" "$HERE"/ferretdb/*.go | sha256sum | cut -c1-16)"
  if [[ -x "$bin" && -f "$bin.stamp" && "$(cat "$bin.stamp")" == "$stamp" ]]; then return; fi
  log "building FerretDB 1.24 (embedded, SQLite backend) with Go (first run only)"
  mkdir -p "$STATE/bin"
  (cd "$HERE/ferretdb" && go build -o "$bin" .)
  echo "$stamp" > "$bin.stamp"
}

start_kafka() {
  local pidf="$STATE/kafka.pid"
  if pid_alive "$pidf"; then log "kafka already running (pid $(cat "$pidf"))"; return; fi
  ensure_kafka_jars
  mkdir -p "$STATE/kafka/data" "$STATE/logs"
  local props="$STATE/kafka/server.properties"
  cat > "$props" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$STATE/kafka/data
num.partitions=6
default.replication.factor=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=6
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
log.retention.hours=24
PROPS
  local jvm_log=(-Dlog4j2.configurationFile="$HERE/kafka/log4j2.yaml" -Dlma.kafka.log="$STATE/logs/kafka.log")
  if [[ ! -f "$STATE/kafka/data/meta.properties" ]]; then
    log "formatting Kafka storage (cluster id $KAFKA_CLUSTER_ID)"
    java "${jvm_log[@]}" -cp "$(kafka_classpath)" kafka.tools.StorageTool format \
      -t "$KAFKA_CLUSTER_ID" -c "$props" --ignore-formatted >>"$STATE/logs/kafka-format.log" 2>&1
  fi
  log "starting Kafka on 127.0.0.1:$KAFKA_PORT"
  : > "$STATE/logs/kafka.log"
  nohup java -Xms256m -Xmx1g -XX:+UseG1GC "${jvm_log[@]}" -cp "$(kafka_classpath)" \
    kafka.Kafka "$props" >>"$STATE/logs/kafka.out" 2>&1 &
  echo $! > "$pidf"
  wait_for "kafka" 90 kafka_started || { tail -n 30 "$STATE/logs/kafka.log" "$STATE/logs/kafka.out" >&2; exit 1; }
  log "kafka ready: $(kafka_version)"
}

kafka_started() {
  pid_alive "$STATE/kafka.pid" || { log "kafka exited; see $STATE/logs/kafka.out"; tail -n 30 "$STATE/logs/kafka.out" >&2; exit 1; }
  port_open "$KAFKA_PORT" && grep -q "Kafka Server started" "$STATE/logs/kafka.log" 2>/dev/null
}

kafka_version() {
  basename "$(ls "$STATE"/kafka/libs/kafka-clients-*.jar)" .jar | sed 's/kafka-clients-/Apache Kafka /'
}

start_ferretdb() {
  local pidf="$STATE/ferretdb.pid"
  if pid_alive "$pidf"; then log "ferretdb already running (pid $(cat "$pidf"))"; return; fi
  ensure_ferretdb_binary
  mkdir -p "$STATE/ferretdb/data" "$STATE/logs"
  log "starting FerretDB on 127.0.0.1:$FERRET_PORT"
  nohup "$STATE/bin/ferretdb-local" -listen "127.0.0.1:$FERRET_PORT" -data "$STATE/ferretdb/data" \
    >>"$STATE/logs/ferretdb.log" 2>&1 &
  echo $! > "$pidf"
  wait_for "ferretdb" 60 ferretdb_started || { tail -n 30 "$STATE/logs/ferretdb.log" >&2; exit 1; }
  log "ferretdb ready (FerretDB v1.24.2, SQLite backend)"
}

ferretdb_started() {
  pid_alive "$STATE/ferretdb.pid" || { log "ferretdb exited"; tail -n 30 "$STATE/logs/ferretdb.log" >&2; exit 1; }
  port_open "$FERRET_PORT"
}

stop_pidfile() { # stop only a process this script started, by its recorded pid
  local name="$1" pidf="$STATE/$1.pid"
  if pid_alive "$pidf"; then
    local pid; pid="$(cat "$pidf")"
    log "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then log "$name did not stop in 30s; killing"; kill -KILL "$pid" 2>/dev/null || true; fi
  fi
  rm -f "$pidf"
}

write_env() {
  mkdir -p "$STATE"
  {
    echo "KAFKA_BROKERS=${KAFKA_BROKERS:-127.0.0.1:$KAFKA_PORT}"
    echo "MONGODB_URI=${MONGODB_URI:-mongodb://127.0.0.1:$FERRET_PORT/}"
  } > "$STATE/infra.env"
}

cmd="${1:-up}"
case "$cmd" in
  up)
    if [[ -n "${KAFKA_BROKERS:-}" ]]; then log "KAFKA_BROKERS=$KAFKA_BROKERS set: not starting Kafka"; else start_kafka; fi
    if [[ -n "${MONGODB_URI:-}" ]]; then log "MONGODB_URI set: not starting FerretDB"; else start_ferretdb; fi
    write_env
    cat "$STATE/infra.env"
    ;;
  down)
    stop_pidfile kafka
    stop_pidfile ferretdb
    ;;
  stop-kafka) stop_pidfile kafka ;;
  start-kafka) start_kafka ;;
  status)
    for s in kafka ferretdb; do
      if pid_alive "$STATE/$s.pid"; then echo "$s: running (pid $(cat "$STATE/$s.pid"))"; else echo "$s: stopped"; fi
    done
    ;;
  reset)
    stop_pidfile kafka
    stop_pidfile ferretdb
    rm -rf "$STATE/kafka/data" "$STATE/ferretdb/data" "$STATE/kafka/server.properties"
    ;;
  *) echo "usage: $0 up|down|status|reset|start-kafka|stop-kafka" >&2; exit 2 ;;
esac
