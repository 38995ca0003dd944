import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import express, { type Request, type Response, type Router } from 'express';
import { LmaError, type Logger } from '@lma/core';

/** What the console reads at GET /console-config.json to sign people in (services/console/src/settings.ts). */
export interface ConsoleSettings {
  authority: string | null;
  clientId: string;
  resource: string;
  scope: string;
  permissionsClaim: string;
  rolePermissions: Record<string, string[]> | null;
}

export interface ConsoleOptions {
  /** The built console (services/console/dist): index.html and assets/<name>-<hash>.<ext>. */
  dir: string;
  settings: ConsoleSettings;
  logger: Logger;
}

const IMMUTABLE = 'public, max-age=31536000, immutable';
/**
 * The paths the console's router answers (services/console/src/routes.tsx): `/`, or one of its
 * sections followed by plain segments (letters, digits, `_`, `-`). Anything else (`/metrics`,
 * `//etc/passwd`) is not the application.
 */
const CLIENT_ROUTE = /^\/(?:(?:licenses|onboardings|packages|leads|accounts|contacts|alerts|admin)(?:\/[A-Za-z0-9_-]+){0,3}\/?)?$/;

/**
 * The console at `/` (everything outside /api/v1, /healthz and /readyz): hashed assets with
 * long-lived cache headers, index.html (no-cache) for every client route, the sign-in settings
 * at /console-config.json. Without a built console the gateway still serves the API, and `/`
 * answers a 404 problem saying how to build it.
 */
export function consoleRoutes(opts: ConsoleOptions): Router {
  const router = express.Router();
  const settingsJson = JSON.stringify(opts.settings);
  router.get('/console-config.json', (_req, res) => {
    res.set({ 'cache-control': 'no-cache', 'content-type': 'application/json; charset=utf-8', 'x-content-type-options': 'nosniff' }).send(settingsJson);
  });

  const indexFile = path.join(opts.dir, 'index.html');
  if (!existsSync(indexFile)) {
    opts.logger.warn({ dir: opts.dir }, 'console not built: / answers 404 (npm run build builds it; CONSOLE_DIR names another directory)');
    router.get(/.*/, (req, _res, next) =>
      next(new LmaError('not_found', `The console is not built on this gateway (${opts.dir} has no index.html): run npm run build, or set CONSOLE_DIR`, { problem: 'not-found' })),
    );
    return router;
  }
  const index = readFileSync(indexFile);
  const issuerOrigin = opts.settings.authority ? new URL(opts.settings.authority).origin : '';
  const csp = [
    "default-src 'self'",
    `connect-src 'self'${issuerOrigin ? ` ${issuerOrigin}` : ''}`,
    "img-src 'self' data:",
    // Mantine sets CSS variables in style elements and attributes
    "style-src 'self' 'unsafe-inline'",
    "script-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "object-src 'none'",
  ].join('; ');
  const sendIndex = (_req: Request, res: Response) => {
    res
      .status(200)
      .set({
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-cache',
        'content-security-policy': csp,
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
      })
      .send(index);
  };

  router.use(
    '/assets',
    express.static(path.join(opts.dir, 'assets'), {
      index: false,
      fallthrough: true,
      setHeaders: (res) => {
        res.setHeader('cache-control', IMMUTABLE);
        res.setHeader('x-content-type-options', 'nosniff');
      },
    }),
  );
  router.use(express.static(opts.dir, { index: false, fallthrough: true, setHeaders: (res) => res.setHeader('cache-control', 'no-cache') }));
  // a client route (a few plain segments: /licenses/lic_...) gets the application; a missing file,
  // or anything else (empty segments, dots, encoded characters: //etc/passwd), stays a 404 problem
  router.get(/.*/, (req, res, next) => {
    if (req.path.startsWith('/assets/') || !CLIENT_ROUTE.test(req.path)) return next();
    sendIndex(req, res);
  });
  return router;
}
