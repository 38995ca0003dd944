import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface SigningKeys {
  keys: Record<string, unknown>[];
}

/**
 * The provider's signing keys (private JWKs): generated once (one ES256 key, P-256) into the
 * JWKS file (mode 0600, never committed) and read from it on every later start, so tokens stay
 * valid across restarts. The first key signs; later keys are still published for verification,
 * which is how a key is rotated: put a new key first and keep the old one until its tokens expire.
 */
export function loadOrCreateSigningKeys(file: string): SigningKeys {
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), alg: 'ES256', use: 'sig' };
    writeFileSync(file, `${JSON.stringify({ keys: [jwk] }, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  }
  const jwks = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  const keys = (jwks as { keys?: unknown }).keys;
  if (!Array.isArray(keys) || keys.length === 0 || !keys.every((k) => typeof k === 'object' && k !== null && 'd' in k)) {
    throw new Error(`${file} must be a JWKS of private keys: {"keys": [{"kty": "EC", "d": ..., ...}]}`);
  }
  return { keys: keys as Record<string, unknown>[] };
}
