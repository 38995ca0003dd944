#!/usr/bin/env node
import path from 'node:path';
import { signIn } from './signIn';
import { DEMO_USERS, readDemoCredentials } from './users';

/**
 * Prints an access token for the LMA API, signed in as a demo user of the local identity
 * provider (authorization code + PKCE, as the console does):
 *   node tools/idp/dist/token.js analyst      # admin | manager | analyst
 * OIDC_ISSUER (default http://127.0.0.1:4010) and IDP_USERS_FILE name the provider and the users file.
 */
async function main(): Promise<void> {
  const which = (process.argv[2] ?? 'admin').toUpperCase();
  const user = DEMO_USERS.find((u) => u.key === which || u.email.toUpperCase() === which);
  if (!user) throw new Error(`unknown demo user ${process.argv[2]}: use ${DEMO_USERS.map((u) => u.key.toLowerCase()).join(', ')}`);
  const file = process.env['IDP_USERS_FILE'] ?? path.resolve(__dirname, '../../../.local/secrets/idp-users.env');
  const issuer = process.env['OIDC_ISSUER'] ?? 'http://127.0.0.1:4010';
  const { accessToken } = await signIn({ issuer, ...readDemoCredentials(file)[user.key] });
  console.log(accessToken);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
