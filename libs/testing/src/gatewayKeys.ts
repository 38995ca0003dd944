import { generateKeyPairSync } from 'node:crypto';
import { signForwardToken, type ForwardAudience } from '@lma/core';

/**
 * One P-256 key pair per test process, as a deployment has one per gateway: the public key goes
 * into every service's environment (GATEWAY_PUBLIC_KEY), the private key into the gateway's
 * (GATEWAY_SIGNING_KEY). Tests that call a service directly sign what the gateway would forward.
 */
const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });

export const testGatewayKeys = {
  privateKey: pair.privateKey,
  publicKey: pair.publicKey,
  publicPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  privatePem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
};

/** The token the gateway forwards to `service` for a caller with these permissions. */
export function forwardedToken(service: ForwardAudience, permissions: readonly string[] = ['admin'], sub = 'tester@example.com', ttlSeconds = 300): string {
  return signForwardToken(testGatewayKeys.privateKey, { aud: service, sub, permissions }, { ttlSeconds });
}

/** `Authorization` header value of a call straight to `service`, as the gateway makes it. */
export const forwarded = (service: ForwardAudience, permissions: readonly string[] = ['admin'], sub = 'tester@example.com'): string =>
  `Bearer ${forwardedToken(service, permissions, sub)}`;
