# syntax=docker/dockerfile:1
# One image for all five LMA services; the service is chosen by SERVICE at build or run time:
#   docker build --build-arg SERVICE=license -t lma-license .
#   docker build -t lma . && docker run -e SERVICE=license lma
# SERVICE is one of: install-intake, lead, license, notification, refresh, gateway.
ARG NODE_IMAGE=node:20-bookworm-slim

# ---- manifests: only what `npm ci` reads ------------------------------------------------
# Copying everything and deleting all but the package manifests keeps the install layer
# below cached until a manifest changes, without listing every workspace by hand (a new
# workspace under libs/, services/ or tools/ is picked up automatically).
FROM ${NODE_IMAGE} AS manifests
WORKDIR /app
COPY . .
RUN find . -type f ! -name package.json ! -name package-lock.json -delete \
 && find . -depth -type d -empty -delete

# ---- build: install everything, compile, then drop dev dependencies ---------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV TURBO_TELEMETRY_DISABLED=1 \
    npm_config_update_notifier=false \
    npm_config_fund=false \
    npm_config_audit=false
COPY --from=manifests /app ./
RUN --mount=type=cache,target=/root/.npm npm ci
COPY . .
RUN npx turbo run build
# Runtime needs dist/ and production dependencies only. Workspace links in node_modules/@lma
# point at libs/* and services/*, which are copied whole below (nested node_modules, e.g.
# libs/kafka/node_modules/mongodb, included).
RUN npm prune --omit=dev \
 && rm -rf .turbo node_modules/.cache libs/*/test services/*/test

# ---- runtime ----------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
# Files stay owned by root and read-only for the service user: the services write nothing
# to disk (logs go to stdout), so the root filesystem can be mounted read-only.
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/libs ./libs
COPY --from=build /app/services ./services
# The image's built-in "node" user (uid/gid 1000). Numeric so that Kubernetes
# `runAsNonRoot: true` can verify it without a runAsUser override.
USER 1000:1000
ARG SERVICE=""
ENV SERVICE=${SERVICE}
# inside a container, loopback is unreachable from other containers: listen on every interface
# (outside a container services default to 127.0.0.1)
ENV HOST=0.0.0.0
# API ports, and /metrics on each API port + 100
EXPOSE 4000 4001 4002 4003 4004 4005 4100 4101 4102 4103 4104 4105
# No HEALTHCHECK here: the port differs per service (PORT); docker-compose.yml and the
# Kubernetes probes check /readyz and /healthz themselves.
# `exec` replaces the shell, so node is PID 1 and receives SIGTERM/SIGINT directly; the
# services handle both (libs/core lifecycle.ts: stop consumers, commit offsets, drain the
# outbox relay, close connections, exit within SHUTDOWN_TIMEOUT_MS).
# --require: the OpenTelemetry preload (libs/service/src/tracing.ts) loads before the service.
CMD ["sh", "-c", "exec node --require ./libs/service/dist/tracing.js services/${SERVICE:?set SERVICE to install-intake, lead, license, notification, refresh or gateway}/dist/main.js"]
