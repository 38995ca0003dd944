#!/usr/bin/env bash
# Local infrastructure for machines without Docker: a real Apache Kafka 4.x broker (KRaft,
# combined broker+controller) from the Maven Central jars, and FerretDB 1.24 (SQLite backend)
# embedded in a small Go program. Both listen on loopback only; data, logs, jars and the
# binary live under .local/ (git-ignored).
#
# The broker authenticates every client (SASL_PLAINTEXT with SCRAM-SHA-512) and authorizes it
# with ACLs (StandardAuthorizer, nothing allowed without an ACL). One principal per service, one
# for the marketplace, a read-only one for vendor systems and an admin: their random passwords
# are generated once per machine into .local/secrets/<principal>.env (mode 600, never logged)
# and created in the broker when its storage is formatted. The topics and ACLs themselves are
# provisioned by the admin (libs/kafka provision, run by `npm start` and the test harness).
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
SECRETS="$STATE/secrets"
# the clients' principals (libs/kafka/src/acls.ts grants each what the contracts registry says);
# "broker" is the broker's own (inter-broker and controller listeners), a super user like admin
KAFKA_PRINCIPALS=(admin install-intake lead license notification refresh marketplace vendor)
KAFKA_SECURITY_VERSION="sasl-scram-sha-512+standard-authorizer/1"

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

# ensure_secrets: a random password per principal, generated once per machine, in
# $SECRETS/<principal>.env (mode 600) as the clients read it: KAFKA_SASL_MECHANISM,
# KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD. Existing files are kept.
ensure_secrets() {
  mkdir -p "$SECRETS"
  chmod 700 "$SECRETS"
  local p created=()
  for p in "${KAFKA_PRINCIPALS[@]}" broker; do
    local f="$SECRETS/$p.env"
    [[ -s "$f" ]] && continue
    ( umask 077
      printf 'KAFKA_SASL_MECHANISM=scram-sha-512\nKAFKA_SASL_USERNAME=%s\nKAFKA_SASL_PASSWORD=%s\n' "$p" "$(random_password)" > "$f" )
    created+=("$p")
  done
  chmod 600 "$SECRETS"/*.env
  if (( ${#created[@]} )); then log "Kafka credentials generated for ${created[*]} in $SECRETS/<principal>.env"; fi
}

random_password() { head -c 512 /dev/urandom | LC_ALL=C tr -dc 'A-Za-z0-9' | cut -c1-32; }

secret_of() { sed -n 's/^KAFKA_SASL_PASSWORD=//p' "$SECRETS/$1.env"; }

# what the stored data was formatted with: the security setup and every principal's password
# (hashed), so data formatted without SASL, or before a password changed, is formatted again
security_stamp() {
  { echo "$KAFKA_SECURITY_VERSION"; for p in "${KAFKA_PRINCIPALS[@]}" broker; do echo "$p:$(secret_of "$p")"; done; } | sha256sum | cut -c1-32
}

start_kafka() {
  local pidf="$STATE/kafka.pid"
  if pid_alive "$pidf"; then log "kafka already running (pid $(cat "$pidf"))"; return; fi
  ensure_kafka_jars
  ensure_secrets
  mkdir -p "$STATE/kafka/data" "$STATE/logs"
  local props="$STATE/kafka/server.properties" broker_pw; broker_pw="$(secret_of broker)"
  ( umask 077; : > "$props" )
  chmod 600 "$props"
  cat > "$props" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
# clients: SASL/SCRAM-SHA-512 on loopback; the controller listener: SASL/PLAIN, the broker only
listeners=CLIENT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=CLIENT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CLIENT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT
inter.broker.listener.name=CLIENT
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.client.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="broker" password="$broker_pw";
listener.name.controller.sasl.enabled.mechanisms=PLAIN
sasl.mechanism.controller.protocol=PLAIN
listener.name.controller.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="broker" password="$broker_pw" user_broker="$broker_pw";
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:admin;User:broker
allow.everyone.if.no.acl.found=false
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
  local stampf="$STATE/kafka/data.security" stamp; stamp="$(security_stamp)"
  if [[ -f "$STATE/kafka/data/meta.properties" && "$(cat "$stampf" 2>/dev/null)" != "$stamp" ]]; then
    if [[ -f "$stampf" ]]; then
      log "Kafka data in $STATE/kafka/data was formatted with other credentials: deleting it and formatting again (local data is disposable)"
    else
      log "Kafka data in $STATE/kafka/data was formatted without SASL and ACLs: deleting it and formatting again with credentials (local data is disposable)"
    fi
    rm -rf "$STATE/kafka/data" "$stampf"
    mkdir -p "$STATE/kafka/data"
  fi
  if [[ ! -f "$STATE/kafka/data/meta.properties" ]]; then
    log "formatting Kafka storage (cluster id $KAFKA_CLUSTER_ID) with SCRAM-SHA-512 credentials for ${KAFKA_PRINCIPALS[*]}"
    local scram=() p
    for p in "${KAFKA_PRINCIPALS[@]}" broker; do scram+=(--add-scram "SCRAM-SHA-512=[name=$p,password=$(secret_of "$p")]"); done
    java "${jvm_log[@]}" -cp "$(kafka_classpath)" kafka.tools.StorageTool format \
      -t "$KAFKA_CLUSTER_ID" -c "$props" "${scram[@]}" >>"$STATE/logs/kafka-format.log" 2>&1 \
      || { log "formatting failed; see $STATE/logs/kafka-format.log"; exit 1; }
    echo "$stamp" > "$stampf"
  fi
  log "starting Kafka on 127.0.0.1:$KAFKA_PORT (SASL_PLAINTEXT, SCRAM-SHA-512; credentials in $SECRETS/<principal>.env)"
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
  stop-ferretdb) stop_pidfile ferretdb ;;
  start-ferretdb) start_ferretdb ;;
  status)
    for s in kafka ferretdb; do
      if pid_alive "$STATE/$s.pid"; then echo "$s: running (pid $(cat "$STATE/$s.pid"))"; else echo "$s: stopped"; fi
    done
    ;;
  reset)
    stop_pidfile kafka
    stop_pidfile ferretdb
    rm -rf "$STATE/kafka/data" "$STATE/kafka/data.security" "$STATE/ferretdb/data" "$STATE/kafka/server.properties"
    ;;
  *) echo "usage: $0 up|down|status|reset|start-kafka|stop-kafka|start-ferretdb|stop-ferretdb" >&2; exit 2 ;;
esac
