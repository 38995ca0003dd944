import { createHmac } from 'node:crypto';
import { WEBHOOK_SECRET_FORM } from '@lma/api';

/** Headers of a webhook delivery, as Standard Webhooks names them (docs/notifications.md, "Verifying a webhook"). */
export const WebhookHeader = {
  /** The notification's id, the same on every retry of a round, so a receiver can drop a repeat. */
  Id: 'webhook-id',
  Timestamp: 'webhook-timestamp',
  Signature: 'webhook-signature',
} as const;

/**
 * The HMAC key of a secret: the base64 after `whsec_`. A secret saved before that form was
 * required signs with its own UTF-8 bytes, which is the key a receiver gets from
 * `whsec_<base64 of the old secret>`, so it keeps working until it is rotated out.
 */
export const signingKey = (secret: string): Buffer =>
  WEBHOOK_SECRET_FORM.test(secret) ? Buffer.from(secret.slice('whsec_'.length), 'base64') : Buffer.from(secret, 'utf8');

/** `v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">` with one secret. */
export const sign = (secret: string, id: string, timestamp: string, body: string): string =>
  `v1,${createHmac('sha256', signingKey(secret)).update(`${id}.${timestamp}.${body}`).digest('base64')}`;

/** One signature per active secret, space-separated, so a receiver on the old or the new secret verifies during a rotation. */
export const signatureHeader = (secrets: string[], id: string, timestamp: string, body: string): string =>
  secrets.map((s) => sign(s, id, timestamp, body)).join(' ');
