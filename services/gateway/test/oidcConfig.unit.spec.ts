import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readConfig } from '../src/config';

const signingKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
const base = { MONGODB_URI: 'mongodb://127.0.0.1:27017', GATEWAY_SIGNING_KEY: signingKey };
const secret = 'a-development-secret-0123456789abcdef';
const problems = (env: Record<string, string>): string => {
  try {
    readConfig(env);
    return '';
  } catch (err) {
    return (err as Error).message;
  }
};

describe('the gateway configuration of user tokens', () => {
  it('needs an OpenID Connect provider or the development switch, and names both when neither is set', () => {
    expect(problems(base)).toMatch(/OIDC_ISSUER: is required .* unless AUTH_DEV_HS256=true/);
    expect(readConfig({ ...base, OIDC_ISSUER: 'https://login.example.com/realms/lma' })).toMatchObject({
      OIDC_ISSUER: 'https://login.example.com/realms/lma',
      OIDC_AUDIENCE: 'lma-api',
      OIDC_PERMISSIONS_CLAIM: 'permissions',
      OIDC_MAX_TOKEN_AGE_SECONDS: 86_400,
      OIDC_CLOCK_SKEW_SECONDS: 30,
      AUTH_DEV_HS256: false,
    });
    expect(readConfig({ ...base, AUTH_DEV_HS256: 'true', AUTH_JWT_SECRET: secret })).toMatchObject({ AUTH_DEV_HS256: true, AUTH_JWT_SECRET: secret });
  });

  it('refuses the development switch in production and without its secret, and a placeholder issuer in production', () => {
    expect(problems({ ...base, NODE_ENV: 'production', AUTH_DEV_HS256: 'true', AUTH_JWT_SECRET: secret, OIDC_ISSUER: 'https://idp.example.com' })).toMatch(/AUTH_DEV_HS256: must not be true with NODE_ENV=production/);
    expect(problems({ ...base, NODE_ENV: 'production', OIDC_ISSUER: 'https://login.example.com/realms/lma' })).toMatch(/OIDC_ISSUER: must name your identity provider in production, not the placeholder/);
    expect(problems({ ...base, NODE_ENV: 'production', OIDC_ISSUER: 'https://login.acme-corp.com/realms/lma' })).toBe('');
    expect(problems({ ...base, AUTH_DEV_HS256: 'true' })).toMatch(/AUTH_JWT_SECRET: is required with AUTH_DEV_HS256=true/);
    expect(problems({ ...base, AUTH_DEV_HS256: 'true', AUTH_JWT_SECRET: 'short' })).toMatch(/AUTH_JWT_SECRET: must be at least 32 characters/);
    expect(problems({ ...base, AUTH_DEV_HS256: 'yes', OIDC_ISSUER: 'https://idp.example.com' })).toMatch(/AUTH_DEV_HS256: must be true or false/);
  });

  it('reads the role map as JSON of LMA permissions and names what is wrong with it', () => {
    const oidc = { ...base, OIDC_ISSUER: 'https://idp.example.com' };
    expect(readConfig({ ...oidc, OIDC_ROLE_PERMISSIONS: '{"lma-admin":["admin"],"lma-analyst":["licenses:read"]}' }).OIDC_ROLE_PERMISSIONS).toEqual({ 'lma-admin': ['admin'], 'lma-analyst': ['licenses:read'] });
    expect(problems({ ...oidc, OIDC_ROLE_PERMISSIONS: 'lma-admin=admin' })).toMatch(/OIDC_ROLE_PERMISSIONS: must be a JSON object/);
    expect(problems({ ...oidc, OIDC_ROLE_PERMISSIONS: '{"lma-admin":["root"]}' })).toMatch(/OIDC_ROLE_PERMISSIONS: must map each claim value to an array of LMA permissions: lma-admin\.0: each permission must be one of licenses:read, .*admin/);
    expect(problems({ ...oidc, OIDC_ROLE_PERMISSIONS: '{"lma-admin":"admin"}' })).toMatch(/OIDC_ROLE_PERMISSIONS: must map each claim value to an array/);
    expect(problems({ ...oidc, OIDC_ISSUER: 'not a url' })).toMatch(/OIDC_ISSUER/);
    expect(problems({ ...oidc, OIDC_MAX_TOKEN_AGE_SECONDS: '10' })).toMatch(/OIDC_MAX_TOKEN_AGE_SECONDS/);
  });
});
