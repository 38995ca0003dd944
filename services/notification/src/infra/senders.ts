import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import nodemailer from 'nodemailer';
import { Agent, request } from 'undici';
import { WebhookHeader, signatureHeader } from '../domain/signature';
import { blockedAddressReason, blockedUrlReason } from '../domain/webhookTargets';

export interface SendResult {
  /** What the receiver answered (SMTP response, HTTP status and the start of the body). */
  response: string;
}

export interface EmailSettings {
  host: string;
  port: number;
  tls: 'none' | 'starttls' | 'tls';
  user: string | undefined;
  password: string | undefined;
  from: string;
  timeoutMs: number;
}

export interface Email {
  to: string[];
  subject: string;
  text: string;
  messageId: string;
  headers: Record<string, string>;
}

/** SMTP through nodemailer; a fresh connection per mail, so an SMTP server restart costs nothing but a retry. */
export function createEmailSender(s: EmailSettings): (mail: Email) => Promise<SendResult> {
  const transport = nodemailer.createTransport({
    host: s.host,
    port: s.port,
    secure: s.tls === 'tls',
    requireTLS: s.tls === 'starttls',
    ignoreTLS: s.tls === 'none',
    ...(s.user ? { auth: { user: s.user, pass: s.password ?? '' } } : {}),
    connectionTimeout: s.timeoutMs,
    greetingTimeout: s.timeoutMs,
    socketTimeout: s.timeoutMs,
    logger: false,
  });
  return async (mail) => {
    const info = (await transport.sendMail({ from: s.from, to: mail.to, subject: mail.subject, text: mail.text, messageId: mail.messageId, headers: mail.headers })) as {
      response?: string;
      rejected?: unknown[];
    };
    if (info.rejected && info.rejected.length) throw new Error(`rejected ${info.rejected.length} recipient(s)`);
    return { response: String(info.response ?? 'accepted').slice(0, 300) };
  };
}

export interface Webhook {
  url: string;
  secrets: string[];
  /** `webhook-id`: stable across the retries of a delivery. */
  id: string;
  body: string;
  /** Unix seconds. */
  timestamp: string;
}

/**
 * Looks a webhook's host up and refuses it when any of its addresses is internal (the check is
 * made on the addresses the connection then uses, so a name that changes its answer between a
 * check and the connection cannot slip through).
 */
function checkedLookup(hostname: string, options: { family?: number; all?: boolean }, callback: (err: Error | null, address: string | LookupAddress[], family?: number) => void): void {
  dnsLookup(hostname, { all: true, family: options.family ?? 0 }, (err, addresses) => {
    if (err) return callback(err, []);
    const refused = addresses.map((a) => blockedAddressReason(a.address)).find((r) => r !== null);
    if (refused) return callback(new WebhookTargetRefused(`webhook host ${hostname}: ${refused}, refused (NOTIFY_WEBHOOK_ALLOW_PRIVATE is off)`), []);
    if (options.all) return callback(null, addresses);
    callback(null, addresses[0]!.address, addresses[0]!.family);
  });
}

export class WebhookTargetRefused extends Error {}

/**
 * Sends POSTs signed as Standard Webhooks (domain/signature.ts): any 2xx is delivered, anything else (or no answer in time) an error to
 * retry. Unless `allowPrivate`, a webhook whose host is, or resolves to, an internal address is
 * refused before anything is sent (server-side request forgery: domain/webhookTargets.ts).
 */
export function createWebhookSender(opts: { timeoutMs: number; allowPrivate: boolean }): (w: Webhook) => Promise<SendResult> {
  const agent = new Agent({ connect: { timeout: opts.timeoutMs, ...(opts.allowPrivate ? {} : { lookup: checkedLookup }) } });
  return async (w) => {
    if (!opts.allowPrivate) {
      const literal = blockedUrlReason(w.url);
      if (literal) throw new WebhookTargetRefused(`webhook ${new URL(w.url).host}: ${literal}, refused (NOTIFY_WEBHOOK_ALLOW_PRIVATE is off)`);
    }
    const res = await request(w.url, {
      method: 'POST',
      dispatcher: agent,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'lma-notification/1',
        [WebhookHeader.Id]: w.id,
        [WebhookHeader.Timestamp]: w.timestamp,
        [WebhookHeader.Signature]: signatureHeader(w.secrets, w.id, w.timestamp, w.body),
      },
      body: w.body,
      headersTimeout: opts.timeoutMs,
      bodyTimeout: opts.timeoutMs,
    });
    const text = (await res.body.text().catch(() => '')).slice(0, 200);
    const response = `HTTP ${res.statusCode}${text ? ` ${text}` : ''}`;
    if (res.statusCode < 200 || res.statusCode >= 300) throw new Error(response);
    return { response };
  };
}
