import { createHmac, timingSafeEqual } from 'node:crypto';

/** Headers of a webhook delivery (docs/notifications.md, "Verifying a webhook"). */
export const WebhookHeader = {
  Timestamp: 'LMA-Timestamp',
  Signature: 'LMA-Signature',
  /** The notification id: the same on every retry, so a receiver can drop a repeat. */
  DeliveryId: 'LMA-Delivery-Id',
  Event: 'LMA-Event',
} as const;

/** HMAC-SHA256 (hex) of `<timestamp>.<body>` with one secret. */
export const signPayload = (secret: string, timestamp: string, body: string): string =>
  createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');

/** `v1=<hex>[,v1=<hex>]`: one signature per active secret, so a receiver on the old or the new secret verifies during a rotation. */
export const signatureHeader = (secrets: string[], timestamp: string, body: string): string =>
  secrets.map((s) => `v1=${signPayload(s, timestamp, body)}`).join(',');

/**
 * What a receiver does: recompute the HMAC with its secret and compare it (in constant time) with
 * each `v1` signature; reject timestamps too far from its clock (replays).
 */
export function verifySignature(header: string, timestamp: string, body: string, secret: string, now: Date, toleranceSeconds = 300): boolean {
  const ts = Number(timestamp);
  if (!Number.isInteger(ts) || Math.abs(now.getTime() / 1000 - ts) > toleranceSeconds) return false;
  const expected = Buffer.from(signPayload(secret, timestamp, body), 'hex');
  return header
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.startsWith('v1='))
    .some((p) => {
      const got = Buffer.from(p.slice(3), 'hex');
      return got.length === expected.length && timingSafeEqual(got, expected);
    });
}
