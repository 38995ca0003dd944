#!/usr/bin/env bash
# LMA's two entry points (README quick start) and their helpers.
#
#   lma.sh run    install, build, then start
#   lma.sh start  start whatever of the system is not running (Kafka + FerretDB, the mail catcher,
#                 the identity provider, the five services and the gateway, the simulator) and
#                 leave the rest alone, then feed a demo: run it again to bring back what stopped
#   lma.sh stop   stop the services and the local infrastructure this script started
#
# LMA_LOCAL_DIR (default .local) holds the run's state, pids and logs; LMA_PORT_BASE (default
# 4000) moves the gateway and the services (base+1..5), the identity provider (base+10) and the
# simulator (base+90); MAILCATCHER_SMTP_PORT / MAILCATCHER_HTTP_PORT the mail catcher and
# LMA_KAFKA_PORT, LMA_KAFKA_CONTROLLER_PORT, LMA_FERRETDB_PORT the infrastructure (infra.sh).
#   lma.sh test   install, build, lint, type-check, validate the Kubernetes manifests, unit
#                 tests, then integration tests against the real broker and database
#                 (started here unless KAFKA_BROKERS / MONGODB_URI name existing ones)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
STATE="${LMA_LOCAL_DIR:-$ROOT/.local}"
export LMA_LOCAL_DIR="$STATE" # deploy/local/infra.sh keeps its state there too
SECRETS="$STATE/secrets"
USER_KAFKA_BROKERS="${KAFKA_BROKERS:-}" # set by the user: an existing broker, nothing started here
RUN="$STATE/run"
# the gateway last: it fronts the others (one API on :4000)
SERVICES=(install-intake lead license notification refresh gateway)
BASE="${LMA_PORT_BASE:-4000}"
declare -A PORTS=([install-intake]=$((BASE + 1)) [lead]=$((BASE + 2)) [license]=$((BASE + 3)) [notification]=$((BASE + 4)) [refresh]=$((BASE + 5)) [gateway]=$BASE)
SMTP_CATCHER_PORT="${MAILCATCHER_SMTP_PORT:-1025}"
MAILS_PORT="${MAILCATCHER_HTTP_PORT:-1080}"
export MAILCATCHER_SMTP_PORT="$SMTP_CATCHER_PORT" MAILCATCHER_HTTP_PORT="$MAILS_PORT"
SIM_PORT=$((BASE + 90))

log() { printf '\n==> %s\n' "$*" >&2; }

ensure_deps() {
  local stamp="$ROOT/node_modules/.lma-lock"
  if [[ ! -d node_modules || ! -f "$stamp" ]] || ! cmp -s package-lock.json "$stamp"; then
    log "installing npm dependencies"
    npm ci --no-audit --no-fund
    cp package-lock.json "$stamp"
  fi
}

build() {
  log "building (turbo)"
  npx turbo run build --output-logs=errors-only
}

dev_env() {
  mkdir -p "$STATE"
  local f="$STATE/dev.env"
  if [[ ! -f "$f" ]]; then
    # a random per-machine secret for local runs; never committed
    echo "AUTH_JWT_SECRET=$(node -e 'console.log(require("crypto").randomBytes(32).toString("hex"))')" > "$f"
    echo "AUTH_JWT_ISSUER=lma-local" >> "$f"
  fi
}

# the gateway's ES256 key pair for the tokens it forwards to the services, made once per machine
gateway_keys() {
  mkdir -p "$SECRETS"
  if [[ ! -s "$SECRETS/gateway-signing.pem" || ! -s "$SECRETS/gateway-public.pem" ]]; then
    (
      umask 077
      node -e '
        const { generateKeyPairSync } = require("crypto");
        const { writeFileSync } = require("fs");
        const k = generateKeyPairSync("ec", { namedCurve: "P-256" });
        writeFileSync(process.argv[1] + "/gateway-signing.pem", k.privateKey.export({ type: "pkcs8", format: "pem" }));
        writeFileSync(process.argv[1] + "/gateway-public.pem", k.publicKey.export({ type: "spki", format: "pem" }));
      ' "$SECRETS"
    )
    echo "gateway signing key: $SECRETS/gateway-signing.pem (public key beside it)"
  fi
}

# a process that was killed but not yet reaped (a zombie) is not alive
pid_alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null && [[ "$(ps -o stat= -p "$(cat "$1")" 2>/dev/null)" != Z* ]]; }

# Kafka on the local broker (deploy/local/infra.sh) knows every client: one principal per service,
# the marketplace, vendor systems and the admin, each with its password in $SECRETS/<principal>.env
kafka_secured_locally() { [[ -z "$USER_KAFKA_BROKERS" && -s "$SECRETS/admin.env" ]]; }

# the admin creates every topic and ACL the contracts registry implies (libs/kafka/src/acls.ts);
# on a broker KAFKA_BROKERS names, with the KAFKA_SASL_* of the environment (topics only without)
provision_kafka() {
  log "provisioning Kafka topics and ACLs (libs/kafka/src/acls.ts)"
  (
    set -a
    # shellcheck disable=SC1091
    source "$STATE/infra.env"
    # shellcheck disable=SC1090
    if kafka_secured_locally; then source "$SECRETS/admin.env"; fi
    set +a
    node libs/kafka/dist/provision-main.js
  )
}

# with_kafka_principal NAME COMMAND...: runs COMMAND with NAME's Kafka credentials in its environment
with_kafka_principal() {
  local principal="$1"; shift
  (
    set -a
    # shellcheck disable=SC1090
    if kafka_secured_locally && [[ -f "$SECRETS/$principal.env" ]]; then source "$SECRETS/$principal.env"; fi
    set +a
    "$@"
  )
}

start_services() {
  mkdir -p "$RUN" "$STATE/logs"
  set -a
  # shellcheck disable=SC1091
  source "$STATE/infra.env"
  # shellcheck disable=SC1091
  source "$STATE/dev.env"
  # the license check is the hot path: counted and timed by metrics, not traced (as deployed)
  : "${LMA_UNTRACED_PATHS:=/v1/license-checks,/api/v1/license-checks}"
  set +a
  for s in "${SERVICES[@]}"; do
    if pid_alive "$RUN/$s.pid"; then echo "$s already running (pid $(cat "$RUN/$s.pid"))"; continue; fi
    # each service connects to Kafka as its own principal (the gateway does not use Kafka)
    with_kafka_principal "$s" start_service_process "$s"
  done
  for s in "${SERVICES[@]}"; do
    local deadline=$((SECONDS + 60))
    until curl -fs "http://127.0.0.1:${PORTS[$s]}/readyz" >/dev/null 2>&1; do
      if ! pid_alive "$RUN/$s.pid"; then echo "$s failed to start; last log lines:" >&2; tail -n 20 "$STATE/logs/$s.log" >&2; exit 1; fi
      if (( SECONDS > deadline )); then echo "$s not ready after 60s (see $STATE/logs/$s.log)" >&2; exit 1; fi
      sleep 0.3
    done
    echo "$s ready on http://127.0.0.1:${PORTS[$s]}, metrics on http://127.0.0.1:$((PORTS[$s] + 100))/metrics (pid $(cat "$RUN/$s.pid"))"
  done
}

start_service_process() {
  # the gateway signs what it forwards; the services only hold its public key (docs/security.md)
  local key="GATEWAY_PUBLIC_KEY_FILE=$SECRETS/gateway-public.pem"
  local urls=()
  if [[ $1 == gateway ]]; then
    key="GATEWAY_SIGNING_KEY_FILE=$SECRETS/gateway-signing.pem"
    urls=(INSTALL_INTAKE_URL="http://127.0.0.1:${PORTS[install-intake]}" LEAD_URL="http://127.0.0.1:${PORTS[lead]}" LICENSE_URL="http://127.0.0.1:${PORTS[license]}"
      NOTIFICATION_URL="http://127.0.0.1:${PORTS[notification]}" REFRESH_URL="http://127.0.0.1:${PORTS[refresh]}")
  fi
  env "$key" "${urls[@]}" PORT="${PORTS[$1]}" nohup node --require ./libs/service/dist/tracing.js "services/$1/dist/main.js" >>"$STATE/logs/$1.log" 2>&1 &
  echo $! > "$RUN/$1.pid"
}

# start_tool NAME HEALTH_URL TIMEOUT_S READY_MESSAGE COMMAND...: a helper process of the local run,
# its pid in $RUN/NAME.pid and its log in $STATE/logs/NAME.log, ready when HEALTH_URL answers
start_tool() {
  local name="$1" url="$2" timeout="$3" ready="$4"; shift 4
  mkdir -p "$RUN" "$STATE/logs"
  if pid_alive "$RUN/$name.pid"; then echo "$name already running (pid $(cat "$RUN/$name.pid"))"; return; fi
  nohup "$@" >>"$STATE/logs/$name.log" 2>&1 &
  echo $! > "$RUN/$name.pid"
  local deadline=$((SECONDS + timeout))
  until curl -fs "$url" >/dev/null 2>&1; do
    if ! pid_alive "$RUN/$name.pid" || (( SECONDS > deadline )); then echo "$name failed to start (see $STATE/logs/$name.log)" >&2; exit 1; fi
    sleep 0.2
  done
  echo "$ready (pid $(cat "$RUN/$name.pid"))"
}

# stop_pid NAME [TRIES]: stops a process this script started, by the pid it recorded
stop_pid() {
  local pidf="$RUN/$1.pid"
  if pid_alive "$pidf"; then
    local pid; pid="$(cat "$pidf")"
    kill -TERM "$pid"
    for _ in $(seq 1 "${2:-50}"); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    echo "stopped $1 (pid $pid)"
  fi
  rm -f "$pidf"
}

# the demo mail catcher (tools/mailcatcher): SMTP 127.0.0.1:1025, mails on http://127.0.0.1:1080;
# the notification service sends to it (SMTP_HOST/SMTP_PORT below)
start_mailcatcher() {
  start_tool mailcatcher "http://127.0.0.1:$MAILS_PORT/healthz" 20 "mailcatcher ready: SMTP 127.0.0.1:$SMTP_CATCHER_PORT, mails on http://127.0.0.1:$MAILS_PORT" \
    node tools/mailcatcher/dist/main.js
}
stop_mailcatcher() { stop_pid mailcatcher; }

# the local identity provider (tools/idp, docs/security.md "Signing in"): OpenID Connect on
# 127.0.0.1:4010; its signing key and the demo users' passwords are generated once into
# .local/secrets (idp-jwks.json, idp-users.env); the gateway trusts it (OIDC_ISSUER below)
IDP_URL="http://127.0.0.1:$((BASE + 10))"
export IDP_PORT=$((BASE + 10)) IDP_JWKS_FILE="$SECRETS/idp-jwks.json" IDP_USERS_FILE="$SECRETS/idp-users.env"
export IDP_REDIRECT_URIS="${IDP_REDIRECT_URIS:-http://127.0.0.1:$BASE/,http://localhost:$BASE/}"
start_idp() {
  start_tool idp "$IDP_URL/.well-known/openid-configuration" 30 "identity provider ready: $IDP_URL (demo users' passwords in $STATE/secrets/idp-users.env)" \
    node tools/idp/dist/main.js
}
stop_idp() { stop_pid idp; }

# the marketplace simulator (tools/simulator, docs/refresh.md): answers the refresh service's
# snapshot requests from its own state; control API on 127.0.0.1:4090 (the demo uses it)
start_simulator() {
  with_kafka_principal marketplace start_tool simulator "http://127.0.0.1:$SIM_PORT/healthz" 30 "marketplace simulator ready: control API http://127.0.0.1:$SIM_PORT" \
    node tools/simulator/dist/main.js --control-port "$SIM_PORT" --page-size 1000
}
stop_simulator() { stop_pid simulator; }

stop_services() {
  for s in "${SERVICES[@]}"; do stop_pid "$s" 100; done
}

cmd_run() {
  ensure_deps
  build
  cmd_start
}

# everything that is not running starts, what runs is left alone (each step checks its pid file)
cmd_start() {
  dev_env
  gateway_keys
  log "starting Kafka and FerretDB"
  bash deploy/local/infra.sh up
  provision_kafka
  start_mailcatcher
  export SMTP_HOST="${SMTP_HOST:-127.0.0.1}" SMTP_PORT="${SMTP_PORT:-$SMTP_CATCHER_PORT}"
  # a local run: webhooks may go to receivers on this machine (never in production)
  export NOTIFY_WEBHOOK_ALLOW_PRIVATE="${NOTIFY_WEBHOOK_ALLOW_PRIVATE:-true}"
  start_idp
  # people sign in through the local identity provider; the gateway verifies its tokens
  export OIDC_ISSUER="${OIDC_ISSUER:-$IDP_URL}" OIDC_AUDIENCE="${OIDC_AUDIENCE:-lma-api}"
  log "starting the five services"
  start_services
  start_simulator
  log "demo: a marketplace registers a package and installs flow through"
  set -a
  # shellcheck disable=SC1091
  source "$STATE/infra.env"
  # shellcheck disable=SC1091
  source "$STATE/dev.env"
  set +a
  # the demo publishes as the marketplace and reads license events as a vendor system
  export GATEWAY_URL="http://127.0.0.1:$BASE" MAILCATCHER_URL="http://127.0.0.1:$MAILS_PORT" SIM_CONTROL_URL="http://127.0.0.1:$SIM_PORT"
  if kafka_secured_locally; then KAFKA_SECRETS_DIR="$SECRETS" node tools/demo/dist/main.js; else node tools/demo/dist/main.js; fi
  cat <<MSG

LMA is running. Where to look:
  service logs      $STATE/logs/<service>.log   (JSON, one line per event)
  Kafka / FerretDB  $STATE/logs/kafka.log, $STATE/logs/ferretdb.log
  health            curl http://127.0.0.1:${PORTS[license]}/readyz
  metrics           http://127.0.0.1:$((PORTS[license] + 100))/metrics (each service on its port + 100; docs/observability.md)
  mails (alerts)    http://127.0.0.1:$MAILS_PORT   (the demo mail catcher; docs/notifications.md)
  the console       http://127.0.0.1:$BASE/ (sign in as a demo user below; docs/console.md)
  the API           http://127.0.0.1:$BASE/api/v1 (docs/api.md; OpenAPI at /api/v1/openapi.json)
  sign in           $IDP_URL (OpenID Connect, docs/security.md) as admin@demo.example,
                    manager@demo.example or analyst@demo.example; passwords in $STATE/secrets/idp-users.env
  stop everything   npm stop
MSG
  kafka_note
}

kafka_note() {
  if kafka_secured_locally; then
    cat <<MSG
  Kafka             $KAFKA_BROKERS (SASL_PLAINTEXT, SCRAM-SHA-512): every client has its own principal,
                    credentials in $SECRETS/<principal>.env (KAFKA_SASL_MECHANISM, _USERNAME, _PASSWORD);
                    publish as the marketplace with $SECRETS/marketplace.env, read lma.license.events
                    as a vendor system with $SECRETS/vendor.env (docs/security.md)
MSG
  fi
}

cmd_stop() {
  stop_simulator
  stop_services
  stop_idp
  stop_mailcatcher
  bash deploy/local/infra.sh down
}

# the console's browser tests (test/integration/console.int.spec.ts) drive Debian's chromium with
# playwright-core (Playwright's own browser download does not work here); installed when missing
ensure_chromium() {
  if [[ -x "${LMA_CHROMIUM:-/usr/bin/chromium}" ]]; then return; fi
  log "installing chromium for the console's browser tests"
  local sudo=""
  if [[ $(id -u) != 0 ]]; then sudo="sudo"; fi
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium
}

cmd_test() {
  ensure_deps
  ensure_chromium
  build
  log "lint and type-check"
  npx eslint .
  npx tsc -p tsconfig.json
  log "Kubernetes manifests: every overlay rendered and checked against the bundled schemas"
  bash deploy/k8s/validate.sh
  local started_infra=0
  # with LMA_TEST_INFRA=containers the integration project starts its own (global-setup.ts)
  if [[ "${LMA_TEST_INFRA:-local}" != containers && ( -z "${KAFKA_BROKERS:-}" || -z "${MONGODB_URI:-}" ) ]]; then
    if [[ "$(bash deploy/local/infra.sh status)" != *"kafka: running"*"ferretdb: running"* ]]; then started_infra=1; fi
    log "local Kafka and FerretDB for the integration tests"
    bash deploy/local/infra.sh up
  fi
  log "tests (unit, then integration over the real broker and database)"
  local rc=0
  npx vitest run --reporter=default --reporter=json --outputFile="$STATE/test-results.json" || rc=$?
  if [[ $started_infra == 1 ]]; then bash deploy/local/infra.sh down; fi
  node -e '
    const r = require(process.argv[1]);
    const skipped = r.numPendingTests + r.numTodoTests;
    console.log(`\n${r.numPassedTests} passed, ${r.numFailedTests} failed` + (skipped ? `, ${skipped} skipped` : ""));
  ' "$STATE/test-results.json" || true
  return $rc
}

case "${1:-}" in
  run) cmd_run ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  test) cmd_test ;;
  *) echo "usage: $0 run|start|stop|test" >&2; exit 2 ;;
esac
