import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '@lma/core';
import type { Configuration, KoaContextWithOIDC } from 'oidc-provider' with { 'resolution-mode': 'import' };
import type { IdpConfig } from './config';
import { loadOrCreateSigningKeys } from './keys';
import { escapeHtml, loginPage } from './pages';
import { ensureUsersFile, loadUserDirectory, type UserDirectory } from './users';

/** The public client of the LMA console (authorization code + PKCE, no secret). */
export const CONSOLE_CLIENT_ID = 'lma-console';

export interface RunningIdp {
  issuer: string;
  server: Server;
  close(): Promise<void>;
}

/**
 * A real OpenID Connect provider (oidc-provider): discovery, JWKS, authorization code + PKCE for
 * `lma-console`, and access tokens for the LMA API as JWTs (RFC 9068) with `aud` OIDC_AUDIENCE
 * and the user's `permissions` and `roles`. Sign-in is a plain HTML form (no JavaScript needed);
 * consent is implied for this first-party client. Grants and sessions live in memory.
 */
export async function startIdp(config: IdpConfig, logger: Logger): Promise<RunningIdp> {
  // oidc-provider is an ES module; this package is CommonJS like the rest of the repository
  const { default: Provider, errors } = await import('oidc-provider');
  ensureUsersFile(config.IDP_USERS_FILE);
  const users = loadUserDirectory(config.IDP_USERS_FILE);
  const jwks = loadOrCreateSigningKeys(config.IDP_JWKS_FILE);

  // listen first: with IDP_PORT=0 the issuer names the port the system picked
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.writeHead(503).end();
  const server = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(config.IDP_PORT, config.IDP_HOST, () => resolve()));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.IDP_PORT;
  const issuer = config.IDP_ISSUER ?? `http://${config.IDP_HOST.includes(':') ? `[${config.IDP_HOST}]` : config.IDP_HOST}:${port}`;

  const resource = config.IDP_API_RESOURCE;
  const apiScope = 'lma:api';
  const configuration: Configuration = {
    clients: [
      {
        client_id: CONSOLE_CLIENT_ID,
        client_name: 'LMA console',
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code'],
        response_types: ['code'],
        redirect_uris: config.IDP_REDIRECT_URIS,
      },
    ],
    clientDefaults: { id_token_signed_response_alg: 'ES256' },
    jwks: jwks as Configuration['jwks'],
    cookies: { keys: [crypto.randomUUID(), crypto.randomUUID()] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    scopes: ['openid', 'email', 'profile', apiScope],
    findAccount: (_ctx, sub) => {
      const user = users.find(sub);
      if (!user) return undefined;
      return { accountId: user.email, claims: () => ({ sub: user.email, email: user.email, email_verified: true, name: user.name }) };
    },
    features: {
      devInteractions: { enabled: false },
      resourceIndicators: {
        enabled: true,
        // a client that names no resource gets a token for the LMA API
        defaultResource: () => resource,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, indicator) => {
          if (indicator !== resource) throw new errors.InvalidTarget(`unknown resource ${indicator}; this provider issues tokens for ${resource}`);
          return {
            scope: apiScope,
            audience: config.OIDC_AUDIENCE,
            accessTokenTTL: config.IDP_ACCESS_TOKEN_TTL_SECONDS,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'ES256' } },
          };
        },
      },
    },
    extraTokenClaims: (_ctx, token) => {
      if (token.kind !== 'AccessToken' || !token.accountId) return undefined;
      const user = users.find(token.accountId);
      return user ? { permissions: [...user.permissions], roles: [user.role] } : undefined;
    },
    pkce: { required: () => true },
    ttl: {
      AccessToken: config.IDP_ACCESS_TOKEN_TTL_SECONDS,
      AuthorizationCode: 60,
      IdToken: 3600,
      Interaction: 600,
      Session: 8 * 3600,
      Grant: 8 * 3600,
    },
    clientBasedCORS: (_ctx, origin, client) => client.redirectUris?.some((uri) => new URL(uri).origin === origin) ?? false,
    renderError: (ctx, out) => {
      ctx.type = 'text/plain; charset=utf-8';
      ctx.body = `Sign-in failed: ${out.error}${out.error_description ? `: ${out.error_description}` : ''}\n`;
    },
  };
  const provider = new Provider(issuer, configuration);
  provider.on('server_error', (_ctx: KoaContextWithOIDC, err: Error) => logger.error({ err }, 'identity provider error'));
  provider.on('grant.error', (_ctx: KoaContextWithOIDC, err: Error) => logger.warn({ error: err.message }, 'token request refused'));
  const oidc = provider.callback();

  const interactions = interactionRoutes(provider, users, logger, resource, apiScope);
  handler = (req, res) => {
    const url = req.url ?? '/';
    if (url === '/healthz') return void res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    if (url.startsWith('/interaction/')) return void interactions(req, res).catch((err: unknown) => failInteraction(res, err, logger));
    oidc(req, res);
  };
  logger.info({ issuer, port, clients: [CONSOLE_CLIENT_ID], audience: config.OIDC_AUDIENCE }, 'identity provider listening');
  return {
    issuer,
    server,
    close: () => new Promise<void>((resolve) => server.close(() => resolve()).closeAllConnections()),
  };
}

type ProviderInstance = InstanceType<(typeof import('oidc-provider', { with: { 'resolution-mode': 'import' } }))['default']>;

/** GET shows the sign-in form, POST .../login checks it; consent is granted without asking. */
function interactionRoutes(provider: ProviderInstance, users: UserDirectory, logger: Logger, resource: string, apiScope: string) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const details = await provider.interactionDetails(req, res);
    const { uid, prompt, params } = details;
    if (req.method === 'GET' && prompt.name === 'login') {
      return void page(res, 200, loginPage({ uid, clientId: String(params['client_id'] ?? ''), email: String(params['login_hint'] ?? '') }));
    }
    if (req.method === 'POST' && prompt.name === 'login' && req.url?.endsWith('/login')) {
      const form = new URLSearchParams(await readBody(req));
      const email = form.get('email') ?? '';
      const user = users.authenticate(email, form.get('password') ?? '');
      if (!user) {
        logger.info({ uid }, 'sign-in refused: wrong email or password');
        return void page(res, 401, loginPage({ uid, clientId: String(params['client_id'] ?? ''), email, error: 'Wrong email or password.' }));
      }
      logger.info({ uid, role: user.role }, 'signed in');
      return void (await provider.interactionFinished(req, res, { login: { accountId: user.email } }, { mergeWithLastSubmission: false }));
    }
    if (prompt.name === 'consent') {
      // a first-party client: what it asks for within the known scopes is granted
      const grant = details.grantId ? await provider.Grant.find(details.grantId) : new provider.Grant({ accountId: details.session!.accountId, clientId: String(params['client_id']) });
      if (!grant) throw new Error('the grant of this interaction is gone');
      const missingOidc = (prompt.details['missingOIDCScope'] as string[] | undefined) ?? [];
      if (missingOidc.length) grant.addOIDCScope(missingOidc.join(' '));
      const missingClaims = (prompt.details['missingOIDCClaims'] as string[] | undefined) ?? [];
      if (missingClaims.length) grant.addOIDCClaims(missingClaims);
      const missingResource = (prompt.details['missingResourceScopes'] as Record<string, string[]> | undefined) ?? {};
      for (const [indicator, scopes] of Object.entries(missingResource)) grant.addResourceScope(indicator, scopes.join(' '));
      grant.addResourceScope(resource, apiScope);
      const grantId = await grant.save();
      return void (await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true }));
    }
    page(res, 400, `<!doctype html><title>Sign-in</title><p>Unexpected step ${escapeHtml(prompt.name)}; start the sign-in again.</p>`);
  };
}

function failInteraction(res: ServerResponse, err: unknown, logger: Logger): void {
  // an unknown or expired interaction (its cookie is gone): say so instead of a stack trace
  const expired = err instanceof Error && /SessionNotFound|interaction session/i.test(`${err.name} ${err.message}`);
  if (!expired) logger.error({ err }, 'sign-in page failed');
  if (!res.headersSent) page(res, expired ? 400 : 500, `<!doctype html><title>Sign-in</title><p>${expired ? 'This sign-in has expired; start again from the application.' : 'Sign-in failed.'}</p>`);
}

function page(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(html);
}

async function readBody(req: IncomingMessage, limit = 16_384): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new Error('sign-in form too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
