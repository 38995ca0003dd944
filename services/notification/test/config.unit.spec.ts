import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readConfig } from '../src/config';

const GATEWAY_PUBLIC_KEY = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
const required = { KAFKA_BROKERS: 'kafka:9092', MONGODB_URI: 'mongodb://db:27017/?replicaSet=rs0', GATEWAY_PUBLIC_KEY };
/** What a production deployment sets (deploy/k8s/overlays/production). */
const production = {
  ...required,
  NODE_ENV: 'production',
  SMTP_HOST: 'smtp.vendor.com',
  SMTP_PORT: '587',
  SMTP_TLS: 'starttls',
  SMTP_USER: 'lma',
  SMTP_PASSWORD: 'relay-password',
  SMTP_FROM: 'LMA <lma@vendor.com>',
  NOTIFY_MESSAGE_ID_DOMAIN: 'vendor.com',
  NOTIFY_LINK_BASE_URL: 'https://lma.vendor.com/api/v1',
};

/** The settings a start-up refuses, by name, with their reasons. */
function refused(env: Record<string, string>): Record<string, string> {
  try {
    readConfig(env);
    return {};
  } catch (err) {
    const lines = (err as Error).message.split('\n').slice(1);
    return Object.fromEntries(lines.map((l) => /^\s+(\w+): (.*)$/.exec(l)!.slice(1, 3) as [string, string]));
  }
}

describe('notification settings', () => {
  it('given a local run, when only the infrastructure is set, then the local mail catcher defaults apply', () => {
    expect(readConfig(required)).toMatchObject({ SMTP_HOST: '127.0.0.1', SMTP_PORT: 1025, SMTP_TLS: 'none', SMTP_FROM: 'LMA <lma@localhost>', NOTIFY_LINK_BASE_URL: 'http://127.0.0.1:4000/api/v1' });
  });

  it('given production, when TLS, credentials, the sender and the link base are set, then it starts', () => {
    expect(readConfig(production)).toMatchObject({ SMTP_TLS: 'starttls', SMTP_USER: 'lma', SMTP_FROM: 'LMA <lma@vendor.com>' });
    expect(readConfig({ ...production, SMTP_TLS: 'tls', SMTP_PORT: '465', SMTP_HOST: 'smtp-relay', SMTP_FROM: 'lma@mail.vendor.com' })).toMatchObject({ SMTP_TLS: 'tls', SMTP_HOST: 'smtp-relay' });
  });

  it('given production, when the local defaults are left, then start-up is refused naming each of them', () => {
    const reasons = refused({ ...required, NODE_ENV: 'production' });
    expect(Object.keys(reasons).sort()).toEqual(['NOTIFY_LINK_BASE_URL', 'NOTIFY_MESSAGE_ID_DOMAIN', 'SMTP_FROM', 'SMTP_HOST', 'SMTP_PASSWORD', 'SMTP_TLS', 'SMTP_USER']);
    expect(reasons['SMTP_TLS']).toMatch(/must be starttls or tls in production/);
    expect(reasons['SMTP_USER']).toMatch(/is required in production/);
    expect(reasons['SMTP_FROM']).toMatch(/not LMA <lma@localhost>/);
    expect(reasons['NOTIFY_LINK_BASE_URL']).toMatch(/not http:\/\/127\.0\.0\.1:4000\/api\/v1/);
  });

  it('given production, when one setting is unsafe or a placeholder, then exactly that one is refused', () => {
    const cases: [Record<string, string>, string][] = [
      [{ SMTP_TLS: 'none' }, 'SMTP_TLS'],
      [{ SMTP_USER: '' }, 'SMTP_USER'],
      [{ SMTP_PASSWORD: '' }, 'SMTP_PASSWORD'],
      [{ SMTP_HOST: 'smtp.example.com' }, 'SMTP_HOST'],
      [{ SMTP_HOST: 'localhost' }, 'SMTP_HOST'],
      [{ SMTP_FROM: 'LMA <lma@example.com>' }, 'SMTP_FROM'],
      [{ SMTP_FROM: 'lma@mailpit' }, 'SMTP_FROM'],
      [{ SMTP_FROM: 'LMA' }, 'SMTP_FROM'],
      [{ NOTIFY_MESSAGE_ID_DOMAIN: 'notifications.lma.local' }, 'NOTIFY_MESSAGE_ID_DOMAIN'],
      [{ NOTIFY_LINK_BASE_URL: 'http://lma.vendor.com/api/v1' }, 'NOTIFY_LINK_BASE_URL'],
      [{ NOTIFY_LINK_BASE_URL: 'https://lma.example.org/api/v1' }, 'NOTIFY_LINK_BASE_URL'],
      [{ NOTIFY_LINK_BASE_URL: 'https://[::1]:4000/api/v1' }, 'NOTIFY_LINK_BASE_URL'],
      [{ NOTIFY_LINK_BASE_URL: 'https://gateway:4000/api/v1' }, 'NOTIFY_LINK_BASE_URL'],
    ];
    for (const [change, field] of cases) expect(Object.keys(refused({ ...production, ...change })), JSON.stringify(change)).toEqual([field]);
  });

  it('given the production overlay as shipped, then its placeholders are refused until they are replaced', () => {
    const file = readFileSync(path.join(__dirname, '../../../deploy/k8s/overlays/production/notification.env'), 'utf8');
    const shipped = Object.fromEntries(file.split('\n').flatMap((l) => (/^[A-Z_]+=/.test(l) ? [[l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]] : [])));
    const env = { ...required, NODE_ENV: 'production', SMTP_USER: 'lma', SMTP_PASSWORD: 'relay-password', ...shipped };
    expect(Object.keys(refused(env)).sort()).toEqual(['NOTIFY_LINK_BASE_URL', 'NOTIFY_MESSAGE_ID_DOMAIN', 'SMTP_FROM', 'SMTP_HOST']);
    const filled = { ...env, SMTP_HOST: 'smtp.vendor.com', SMTP_FROM: 'LMA <lma@vendor.com>', NOTIFY_MESSAGE_ID_DOMAIN: 'vendor.com', NOTIFY_LINK_BASE_URL: 'https://lma.vendor.com/api/v1' };
    expect(readConfig(filled)).toMatchObject({ SMTP_TLS: 'starttls', SMTP_PORT: 587 });
  });
});
