import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * API keys: `lma_<keyId>_<secret>`, the key id 64 random bits (hex, public), the secret 256 random
 * bits (base64url). Only the SHA-256 of the secret is stored: a fast hash is enough for a secret
 * with 256 bits of entropy (no dictionary to try), and it keeps the check cheap on the hot path.
 */
const KEY = /^lma_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export interface ParsedApiKey {
  keyId: string;
  secret: string;
}

export function newApiKey(): ParsedApiKey & { key: string } {
  const keyId = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { keyId, secret, key: `lma_${keyId}_${secret}` };
}

export function parseApiKey(key: string): ParsedApiKey | null {
  const m = KEY.exec(key);
  return m ? { keyId: m[1]!, secret: m[2]! } : null;
}

export const hashSecret = (secret: string): Buffer => createHash('sha256').update(secret).digest();

/** Constant-time comparison of the presented secret with the stored hash. */
export function secretMatches(secret: string, storedHash: Buffer): boolean {
  const given = hashSecret(secret);
  return given.length === storedHash.length && timingSafeEqual(given, storedHash);
}
