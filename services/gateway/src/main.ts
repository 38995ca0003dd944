import { Permission, allRoutes, asyncApiDocument, openApiDocument } from '@lma/api';
import { createServer } from 'node:http';
import { closeServer, connectMongo, createBaseApp, createLogger, ensureIndexes, gatewaySigningKey, listenMetrics, metricsPortOf, onShutdown, pingMongo, problemMiddleware, systemClock } from '@lma/core';
import { SERVER_OPTIONS, answerUnparsableRequests, guardRequests } from '@lma/core';
import { runMain } from '@lma/service';
import { queryGuardPlugin, type QueryGuardMode } from '@lma/store/dist/queries';
import { Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { createAuthenticator, forwardTokens } from './api/authenticate';
import { createCheckBatches } from './api/checkBatches';
import { consoleRoutes } from './api/console';
import { createProxy } from './api/proxy';
import { createUserTokenVerifier, userTokenSettingsOf } from './api/userTokens';
import { API_PREFIX, createApp } from './app';
import { readConfig } from './config';
import { RateLimiter } from './domain/rateLimiter';
import { createApiKeyStore } from './infra/apiKeyStore';
import { models, registerModels } from './infra/models';
import { gatewayQueries } from './infra/queries';

// Not createRuntime: that one connects Kafka (publisher, topics, readiness), and the gateway
// neither produces nor consumes. It has a database (API keys), an HTTP server and metrics.
runMain('gateway', async () => {
  const config = readConfig();
  const logger = createLogger('gateway', config.LOG_LEVEL);
  const signingKey = gatewaySigningKey(config);
  const db = await connectMongo(config.MONGODB_URI, `${config.MONGODB_DB_PREFIX}_gateway`, logger);
  // the guard every runtime has (createRuntime): a query other than by _id must be declared
  db.plugin(queryGuardPlugin(gatewayQueries, (process.env['LMA_QUERY_GUARD'] as QueryGuardMode | undefined) ?? 'warn', logger));
  registerModels(db);
  await ensureIndexes(db);

  const routes = allRoutes();
  const keys = createApiKeyStore({ models: models(db), clock: systemClock, cacheTtlMs: config.API_KEY_CACHE_TTL_MS });
  const proxy = createProxy({
    urls: {
      'install-intake': config.INSTALL_INTAKE_URL,
      lead: config.LEAD_URL,
      license: config.LICENSE_URL,
      notification: config.NOTIFICATION_URL,
      refresh: config.REFRESH_URL,
    },
    timeoutMs: config.UPSTREAM_TIMEOUT_MS,
  });
  const limiter = new RateLimiter(
    {
      default: { ratePerSecond: config.RATE_LIMIT_PER_SECOND, burst: config.RATE_LIMIT_BURST },
      check: { ratePerSecond: config.RATE_LIMIT_CHECK_PER_SECOND, burst: config.RATE_LIMIT_CHECK_BURST },
    },
    Date.now,
  );

  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const duration = new Histogram({
    name: 'lma_gateway_request_duration_seconds',
    help: 'Time from request to answer under /api/v1, per operation and status (the service call included).',
    labelNames: ['operation', 'status'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [registry],
  });
  const checkBatchSize = new Histogram({
    name: 'lma_gateway_check_batch_size',
    help: 'Single license checks per batch sent to the license service (_count: batches, _sum: checks).',
    buckets: [1, 2, 5, 10, 20, 50, 100],
    registers: [registry],
  });

  // user tokens: OpenID Connect (discovery retried in the background) and, in development, HS256
  const userTokens = createUserTokenVerifier(userTokenSettingsOf(config), { logger });
  const app = createBaseApp([{ name: 'database', check: () => pingMongo(db) }]);
  // the console (services/console) at / and its sign-in settings; /api/v1 never reaches express
  app.use(
    consoleRoutes({
      dir: config.CONSOLE_DIR,
      settings: {
        authority: config.OIDC_ISSUER ?? null,
        clientId: config.CONSOLE_CLIENT_ID,
        resource: config.CONSOLE_API_RESOURCE,
        scope: config.CONSOLE_SCOPE,
        permissionsClaim: config.OIDC_PERMISSIONS_CLAIM,
        rolePermissions: config.OIDC_ROLE_PERMISSIONS ?? null,
      },
      logger,
    }),
  );
  app.use(problemMiddleware(logger));
  const api = createApp({
    routes,
    openapi: openApiDocument(routes),
    asyncapi: asyncApiDocument({ partitions: config.KAFKA_TOPIC_PARTITIONS }),
    authenticate: createAuthenticator({
      userTokens,
      forwardTtlSeconds: config.FORWARD_TOKEN_TTL_SECONDS,
      signingKey,
      lookupKey: keys.lookup,
    }),
    limiter,
    addresses: new RateLimiter(
      { unauthenticated: { ratePerSecond: config.RATE_LIMIT_UNAUTHENTICATED_PER_SECOND, burst: config.RATE_LIMIT_UNAUTHENTICATED_BURST } },
      Date.now,
    ),
    proxy,
    checks:
      config.CHECK_BATCHES_IN_FLIGHT > 0
        ? createCheckBatches({
            proxy,
            inFlight: config.CHECK_BATCHES_IN_FLIGHT,
            observe: (size) => checkBatchSize.observe(size),
            token: forwardTokens({ signingKey, forwardTtlSeconds: config.FORWARD_TOKEN_TTL_SECONDS }, { subject: 'lma-gateway', permissions: new Set([Permission.LicensesRead]) }).bind(null, 'license'),
          })
        : undefined,
    keys,
    logger,
    observe: (operation, status, seconds) => duration.observe({ operation, status: String(status) }, seconds),
  });
  // /api/v1 bypasses express (the hot path); health and readiness stay on it
  // behind the request guard, as every service (@lma/core listen): malformed requests never reach either
  const server = createServer(
    SERVER_OPTIONS,
    guardRequests((req, res) => {
      const url = req.url ?? '/';
      if (url.startsWith(API_PREFIX) && (url.length === API_PREFIX.length || url[API_PREFIX.length] === '/' || url[API_PREFIX.length] === '?')) api(req, res);
      else app(req, res);
    }),
  );
  answerUnparsableRequests(server);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(config.PORT, config.HOST, () => resolve()));
  // /metrics on its own port (unauthenticated, for Prometheus only), never on the public one
  const metricsServer = await listenMetrics({
    port: metricsPortOf(config),
    host: config.HOST,
    render: async () => ({ contentType: registry.contentType, body: await registry.metrics() }),
    onError: (err) => logger.error({ err }, 'metrics not rendered'),
  });
  const portOf = (s: typeof server) => {
    const addr = s.address();
    return typeof addr === 'object' && addr ? addr.port : undefined;
  };
  logger.info({ host: config.HOST, port: portOf(server), metricsPort: portOf(metricsServer), routes: routes.length }, 'gateway listening');
  onShutdown(logger, config.SHUTDOWN_TIMEOUT_MS, async () => {
    userTokens.close();
    await closeServer(server);
    await closeServer(metricsServer);
    await proxy.close();
    await db.close();
  });
});
