import nodemailer from 'nodemailer';
import { WebhookHeader, signatureHeader } from '../domain/signature';

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
  deliveryId: string;
  event: string;
  body: string;
  timestamp: string;
}

/** One signed POST; any 2xx is delivered, anything else (or no answer in time) an error to retry. */
export async function sendWebhook(w: Webhook, timeoutMs: number): Promise<SendResult> {
  const res = await fetch(w.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'lma-notification/1',
      [WebhookHeader.Timestamp]: w.timestamp,
      [WebhookHeader.Signature]: signatureHeader(w.secrets, w.timestamp, w.body),
      [WebhookHeader.DeliveryId]: w.deliveryId,
      [WebhookHeader.Event]: w.event,
    },
    body: w.body,
    redirect: 'manual',
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = (await res.text().catch(() => '')).slice(0, 200);
  const response = `HTTP ${res.status}${text ? ` ${text}` : ''}`;
  if (res.status < 200 || res.status >= 300) throw new Error(response);
  return { response };
}
