#!/usr/bin/env bash
# LMA's two entry points (README quick start) and their helpers.
#
#   lma.sh run    install, build, start Kafka + FerretDB + all five services, feed a demo
#   lma.sh stop   stop the services and the local infrastructure this script started
#   lma.sh test   install, build, lint, type-check, unit tests, then integration tests
#                 against the real broker and database (started here unless
#                 KAFKA_BROKERS / MONGODB_URI name existing ones)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
STATE="$ROOT/.local"
RUN="$STATE/run"
# the gateway last: it fronts the others (one API on :4000)
SERVICES=(install-intake lead license notification refresh gateway)
declare -A PORTS=([install-intake]=4001 [lead]=4002 [license]=4003 [notification]=4004 [refresh]=4005 [gateway]=4000)

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

pid_alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

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
    PORT="${PORTS[$s]}" nohup node --require ./libs/service/dist/tracing.js "services/$s/dist/main.js" >>"$STATE/logs/$s.log" 2>&1 &
    echo $! > "$RUN/$s.pid"
  done
  for s in "${SERVICES[@]}"; do
    local deadline=$((SECONDS + 60))
    until curl -fs "http://127.0.0.1:${PORTS[$s]}/readyz" >/dev/null 2>&1; do
      if ! pid_alive "$RUN/$s.pid"; then echo "$s failed to start; last log lines:" >&2; tail -n 20 "$STATE/logs/$s.log" >&2; exit 1; fi
      if (( SECONDS > deadline )); then echo "$s not ready after 60s (see $STATE/logs/$s.log)" >&2; exit 1; fi
      sleep 0.3
    done
    echo "$s ready on http://127.0.0.1:${PORTS[$s]} (pid $(cat "$RUN/$s.pid"))"
  done
}

# the demo mail catcher (tools/mailcatcher): SMTP 127.0.0.1:1025, mails on http://127.0.0.1:1080;
# the notification service sends to it (SMTP_HOST/SMTP_PORT below)
start_mailcatcher() {
  mkdir -p "$RUN" "$STATE/logs"
  if pid_alive "$RUN/mailcatcher.pid"; then echo "mailcatcher already running (pid $(cat "$RUN/mailcatcher.pid"))"; return; fi
  nohup node tools/mailcatcher/dist/main.js >>"$STATE/logs/mailcatcher.log" 2>&1 &
  echo $! > "$RUN/mailcatcher.pid"
  local deadline=$((SECONDS + 20))
  until curl -fs http://127.0.0.1:1080/healthz >/dev/null 2>&1; do
    if ! pid_alive "$RUN/mailcatcher.pid" || (( SECONDS > deadline )); then echo "mailcatcher failed to start (see $STATE/logs/mailcatcher.log)" >&2; exit 1; fi
    sleep 0.2
  done
  echo "mailcatcher ready: SMTP 127.0.0.1:1025, mails on http://127.0.0.1:1080 (pid $(cat "$RUN/mailcatcher.pid"))"
}

stop_mailcatcher() {
  local pidf="$RUN/mailcatcher.pid"
  if pid_alive "$pidf"; then
    local pid; pid="$(cat "$pidf")"
    kill -TERM "$pid"
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    echo "stopped mailcatcher (pid $pid)"
  fi
  rm -f "$pidf"
}

# the marketplace simulator (tools/simulator, docs/refresh.md): answers the refresh service's
# snapshot requests from its own state; control API on 127.0.0.1:4090 (the demo uses it)
start_simulator() {
  mkdir -p "$RUN" "$STATE/logs"
  if pid_alive "$RUN/simulator.pid"; then echo "simulator already running (pid $(cat "$RUN/simulator.pid"))"; return; fi
  nohup node tools/simulator/dist/main.js --control-port 4090 --page-size 1000 >>"$STATE/logs/simulator.log" 2>&1 &
  echo $! > "$RUN/simulator.pid"
  local deadline=$((SECONDS + 30))
  until curl -fs http://127.0.0.1:4090/healthz >/dev/null 2>&1; do
    if ! pid_alive "$RUN/simulator.pid" || (( SECONDS > deadline )); then echo "simulator failed to start (see $STATE/logs/simulator.log)" >&2; exit 1; fi
    sleep 0.2
  done
  echo "marketplace simulator ready: control API http://127.0.0.1:4090 (pid $(cat "$RUN/simulator.pid"))"
}

stop_simulator() {
  local pidf="$RUN/simulator.pid"
  if pid_alive "$pidf"; then
    local pid; pid="$(cat "$pidf")"
    kill -TERM "$pid"
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    echo "stopped simulator (pid $pid)"
  fi
  rm -f "$pidf"
}

stop_services() {
  for s in "${SERVICES[@]}"; do
    local pidf="$RUN/$s.pid"
    if pid_alive "$pidf"; then
      local pid; pid="$(cat "$pidf")"
      kill -TERM "$pid"
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      echo "stopped $s (pid $pid)"
    fi
    rm -f "$pidf"
  done
}

cmd_run() {
  ensure_deps
  build
  dev_env
  log "starting Kafka and FerretDB"
  bash deploy/local/infra.sh up
  start_mailcatcher
  export SMTP_HOST="${SMTP_HOST:-127.0.0.1}" SMTP_PORT="${SMTP_PORT:-1025}"
  # a local run: webhooks may go to receivers on this machine (never in production)
  export NOTIFY_WEBHOOK_ALLOW_PRIVATE="${NOTIFY_WEBHOOK_ALLOW_PRIVATE:-true}"
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
  node tools/demo/dist/main.js
  cat <<MSG

LMA is running. Where to look:
  service logs      $STATE/logs/<service>.log   (JSON, one line per event)
  Kafka / FerretDB  $STATE/logs/kafka.log, $STATE/logs/ferretdb.log
  health            curl http://127.0.0.1:4003/readyz
  mails (alerts)    http://127.0.0.1:1080   (the demo mail catcher; docs/notifications.md)
  the API           http://127.0.0.1:4000/api/v1 (docs/api.md; OpenAPI at /api/v1/openapi.json)
  stop everything   npm stop
MSG
}

cmd_stop() {
  stop_simulator
  stop_services
  stop_mailcatcher
  bash deploy/local/infra.sh down
}

cmd_test() {
  ensure_deps
  build
  log "lint and type-check"
  npx eslint .
  npx tsc -p tsconfig.json
  local started_infra=0
  if [[ -z "${KAFKA_BROKERS:-}" || -z "${MONGODB_URI:-}" ]]; then
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
  stop) cmd_stop ;;
  test) cmd_test ;;
  *) echo "usage: $0 run|stop|test" >&2; exit 2 ;;
esac
