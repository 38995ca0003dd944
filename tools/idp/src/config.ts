import path from 'node:path';
import { z } from 'zod';
import { loadConfig, port } from '@lma/core';

const repoRoot = path.resolve(__dirname, '../../..');
const secrets = path.join(repoRoot, '.local', 'secrets');

const url = z.string().url().refine((u) => /^https?:\/\//.test(u), 'must be an http(s) URL');

/** The local identity provider's settings (docs/security.md, "Signing in"). */
export const IdpConfig = z.object({
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** 0 picks a free port (tests); the issuer is then http://HOST:<port>. */
  IDP_PORT: port(4010),
  IDP_HOST: z.string().min(1).default('127.0.0.1'),
  /** The issuer URL when it is not http://IDP_HOST:IDP_PORT (behind a proxy or in a container). */
  IDP_ISSUER: url.optional().transform((u) => u?.replace(/\/$/, '')),
  /** The `aud` of access tokens for the LMA API: the gateway's OIDC_AUDIENCE. */
  OIDC_AUDIENCE: z.string().min(1).default('lma-api'),
  /** The resource indicator (RFC 8707) clients may name for the LMA API; it is also the default. */
  IDP_API_RESOURCE: z.string().regex(/^[a-z][a-z0-9+.-]*:[^#\s]+$/i, 'must be an absolute URI without a fragment').default('urn:lma:api'),
  /** Where the public client `lma-console` may be sent back to after sign-in (comma-separated). */
  IDP_REDIRECT_URIS: z
    .string()
    .default('http://127.0.0.1:4000/,http://localhost:4000/')
    .transform((s) => s.split(',').map((u) => u.trim()).filter(Boolean))
    .pipe(z.array(url).min(1, 'must name at least one redirect URI')),
  IDP_ACCESS_TOKEN_TTL_SECONDS: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(60).max(86_400).default(3600)),
  IDP_JWKS_FILE: z.string().min(1).default(path.join(secrets, 'idp-jwks.json')),
  IDP_USERS_FILE: z.string().min(1).default(path.join(secrets, 'idp-users.env')),
});
export type IdpConfig = z.infer<typeof IdpConfig>;

export const readIdpConfig = (env: NodeJS.ProcessEnv = process.env): IdpConfig => loadConfig(IdpConfig, env);
