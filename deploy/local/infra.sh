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
#   infra.sh up --brokers 3   the same with a three-node Kafka cluster instead of one broker
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

# One broker (combined broker+controller) by default; `up --brokers 3` runs a three-node KRaft
# cluster on loopback instead (each node broker+controller and a voter; topics replicated three
# times, min.insync.replicas=2), the production shape of Kafka. The choice is kept in
# $STATE/kafka/nodes (later `up`, `stop-kafka`, `start-kafka` use it) until `up --brokers 1` or `reset`. Node n of a cluster listens on KAFKA_PORT + 2(n-1) and
# KAFKA_CONTROLLER_PORT + 2(n-1), with its data, properties, pid and log of its own.
kafka_nodes() { cat "$STATE/kafka/nodes" 2>/dev/null || echo 1; }
node_list() { if (( $(kafka_nodes) == 1 )); then echo 0; else seq 1 "$(kafka_nodes)"; fi; } # 0: the single broker
node_name() { if (( $1 == 0 )); then echo kafka; else echo "kafka-$1"; fi; }
node_dir() { if (( $1 == 0 )); then echo "$STATE/kafka"; else echo "$STATE/kafka/node-$1"; fi; }
node_port() { echo $((KAFKA_PORT + 2 * ($1 > 0 ? $1 - 1 : 0))); }
node_controller_port() { echo $((KAFKA_CONTROLLER_PORT + 2 * ($1 > 0 ? $1 - 1 : 0))); }
kafka_brokers() { local n out=(); for n in $(node_list); do out+=("127.0.0.1:$(node_port "$n")"); done; (IFS=,; echo "${out[*]}"); }

start_kafka() { # start_kafka [node]: every node (at once, so a cluster can elect its controller), or one
  local nodes=("$@") n
  if [[ $# -eq 0 ]]; then mapfile -t nodes < <(node_list); fi
  LAUNCHED=()
  for n in "${nodes[@]}"; do launch_kafka_node "$n"; done
  (( ${#LAUNCHED[@]} )) || return 0
  for n in "${LAUNCHED[@]}"; do
    wait_for "$(node_name "$n")" 180 kafka_started "$n" || { tail -n 30 "$STATE/logs/$(node_name "$n").log" "$STATE/logs/$(node_name "$n").out" >&2; exit 1; }
  done
  if (( $(kafka_nodes) > 1 )); then log "kafka ready: $(kafka_version), $(kafka_nodes) nodes: $(kafka_brokers)"; else log "kafka ready: $(kafka_version)"; fi
}

launch_kafka_node() {
  local n="$1" name; name="$(node_name "$1")"
  local pidf="$STATE/$name.pid" dir; dir="$(node_dir "$n")"
  if pid_alive "$pidf"; then log "$name already running (pid $(cat "$pidf"))"; return; fi
  ensure_kafka_jars
  ensure_secrets
  mkdir -p "$dir/data" "$STATE/logs"
  local props="$dir/server.properties" broker_pw; broker_pw="$(secret_of broker)"
  local port; port="$(node_port "$n")"
  local node_id=1 voters="1@127.0.0.1:$KAFKA_CONTROLLER_PORT" rf=1 isr=1 heap=1g
  if (( n > 0 )); then
    local k v=()
    for k in $(node_list); do v+=("$k@127.0.0.1:$(node_controller_port "$k")"); done
    node_id="$n" voters="$(IFS=,; echo "${v[*]}")" rf=3 isr=2 heap=512m
  fi
  ( umask 077; : > "$props" )
  chmod 600 "$props"
  cat > "$props" <<PROPS
process.roles=broker,controller
node.id=$node_id
controller.quorum.voters=$voters
# clients: SASL/SCRAM-SHA-512 on loopback; the controller listener: SASL/PLAIN, the broker only
listeners=CLIENT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$(node_controller_port "$n")
advertised.listeners=CLIENT://127.0.0.1:$port
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
log.dirs=$dir/data
num.partitions=6
default.replication.factor=$rf
min.insync.replicas=$isr
offsets.topic.replication.factor=$rf
offsets.topic.num.partitions=6
transaction.state.log.replication.factor=$rf
transaction.state.log.min.isr=$isr
share.coordinator.state.topic.replication.factor=$rf
share.coordinator.state.topic.min.isr=$isr
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
log.retention.hours=24
PROPS
  local jvm_log=(-Dlog4j2.configurationFile="$HERE/kafka/log4j2.yaml" -Dlma.kafka.log="$STATE/logs/$name.log")
  local stampf="$dir/data.security" stamp; stamp="$(security_stamp)"
  if [[ -f "$dir/data/meta.properties" && "$(cat "$stampf" 2>/dev/null)" != "$stamp" ]]; then
    if [[ -f "$stampf" ]]; then
      log "Kafka data in $dir/data was formatted with other credentials: deleting it and formatting again (local data is disposable)"
    else
      log "Kafka data in $dir/data was formatted without SASL and ACLs: deleting it and formatting again with credentials (local data is disposable)"
    fi
    rm -rf "$dir/data" "$stampf"
    mkdir -p "$dir/data"
  fi
  if [[ ! -f "$dir/data/meta.properties" ]]; then
    log "formatting $name storage (cluster id $KAFKA_CLUSTER_ID) with SCRAM-SHA-512 credentials for ${KAFKA_PRINCIPALS[*]}"
    local scram=() p
    for p in "${KAFKA_PRINCIPALS[@]}" broker; do scram+=(--add-scram "SCRAM-SHA-512=[name=$p,password=$(secret_of "$p")]"); done
    java "${jvm_log[@]}" -cp "$(kafka_classpath)" kafka.tools.StorageTool format \
      -t "$KAFKA_CLUSTER_ID" -c "$props" "${scram[@]}" >>"$STATE/logs/$name-format.log" 2>&1 \
      || { log "formatting failed; see $STATE/logs/$name-format.log"; exit 1; }
    echo "$stamp" > "$stampf"
  fi
  log "starting $name on 127.0.0.1:$port (SASL_PLAINTEXT, SCRAM-SHA-512; credentials in $SECRETS/<principal>.env)"
  : > "$STATE/logs/$name.log"
  nohup java -Xms256m "-Xmx$heap" -XX:+UseG1GC "${jvm_log[@]}" -cp "$(kafka_classpath)" \
    kafka.Kafka "$props" >>"$STATE/logs/$name.out" 2>&1 &
  echo $! > "$pidf"
  LAUNCHED+=("$n")
}

kafka_started() {
  local name; name="$(node_name "${1:-0}")"
  pid_alive "$STATE/$name.pid" || { log "$name exited; see $STATE/logs/$name.out"; tail -n 30 "$STATE/logs/$name.out" >&2; exit 1; }
  port_open "$(node_port "${1:-0}")" && grep -q "Kafka Server started" "$STATE/logs/$name.log" 2>/dev/null
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
    echo "KAFKA_BROKERS=${KAFKA_BROKERS:-$(kafka_brokers)}"
    echo "MONGODB_URI=${MONGODB_URI:-mongodb://127.0.0.1:$FERRET_PORT/}"
  } > "$STATE/infra.env"
}

stop_kafka() { # stop_kafka [node]: every node, or one
  local n f
  if [[ $# -gt 0 ]]; then stop_pidfile "$(node_name "$1")"; return; fi
  # every node told at once: the last one of a cluster stopped alone would wait for a quorum that is gone
  for n in $(node_list); do f="$STATE/$(node_name "$n").pid"; if pid_alive "$f"; then kill -TERM "$(cat "$f")" 2>/dev/null || true; fi; done
  for n in $(node_list); do stop_pidfile "$(node_name "$n")"; done
}

kafka_running() { local n; for n in $(node_list); do pid_alive "$STATE/$(node_name "$n").pid" && return 0; done; return 1; }

# choose_nodes N: one broker or a cluster of N; switching needs the running one stopped first
choose_nodes() {
  local want="$1"
  [[ $want == 1 || $want == 3 ]] || { echo "--brokers must be 1 or 3, got $want" >&2; exit 2; }
  if [[ $want != "$(kafka_nodes)" ]]; then
    if kafka_running; then log "Kafka runs with $(kafka_nodes) node(s): stop it first (infra.sh stop-kafka) to run $want"; exit 1; fi
    mkdir -p "$STATE/kafka"
    if [[ $want == 1 ]]; then rm -f "$STATE/kafka/nodes"; else echo "$want" > "$STATE/kafka/nodes"; fi
  fi
}

cmd="${1:-up}"
case "$cmd" in
  up)
    if [[ "${2:-}" == --brokers ]]; then choose_nodes "${3:?--brokers needs 1 or 3}"; fi
    if [[ -n "${KAFKA_BROKERS:-}" ]]; then log "KAFKA_BROKERS=$KAFKA_BROKERS set: not starting Kafka"; else start_kafka; fi
    if [[ -n "${MONGODB_URI:-}" ]]; then log "MONGODB_URI set: not starting FerretDB"; else start_ferretdb; fi
    write_env
    cat "$STATE/infra.env"
    ;;
  down)
    stop_kafka
    stop_pidfile ferretdb
    ;;
  stop-kafka) stop_kafka "${@:2}" ;;
  start-kafka) start_kafka "${@:2}" ;;
  stop-ferretdb) stop_pidfile ferretdb ;;
  start-ferretdb) start_ferretdb ;;
  status)
    for n in $(node_list); do
      s="$(node_name "$n")"
      if pid_alive "$STATE/$s.pid"; then echo "$s: running (pid $(cat "$STATE/$s.pid"))"; else echo "$s: stopped"; fi
    done
    if (( $(kafka_nodes) > 1 )); then
      up=0; for n in $(node_list); do pid_alive "$STATE/kafka-$n.pid" && up=$((up + 1)); done
      if (( up == $(kafka_nodes) )); then echo "kafka: running ($up nodes)"; else echo "kafka: $up of $(kafka_nodes) nodes running"; fi
    fi
    if pid_alive "$STATE/ferretdb.pid"; then echo "ferretdb: running (pid $(cat "$STATE/ferretdb.pid"))"; else echo "ferretdb: stopped"; fi
    ;;
  reset)
    stop_kafka
    stop_pidfile ferretdb
    rm -rf "$STATE/kafka/data" "$STATE/kafka/data.security" "$STATE/kafka"/node-* "$STATE/kafka/nodes" "$STATE/ferretdb/data" "$STATE/kafka/server.properties"
    ;;
  *) echo "usage: $0 up [--brokers 1|3]|down|status|reset|start-kafka [node]|stop-kafka [node]|start-ferretdb|stop-ferretdb" >&2; exit 2 ;;
esac
