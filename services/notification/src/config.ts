import { isIP } from 'node:net';
import { z } from 'zod';
import { BaseConfig, intSetting, loadConfig, port, requireGatewayPublicKey } from '@lma/core';

const Settings = BaseConfig.extend({
  PORT: port(4004),
  /**
   * SMTP relay for email alerts (credentials are never logged). The defaults suit a local mail
   * catcher; in production TLS, credentials, the sender and the link base are required
   * (productionProblems).
   */
  SMTP_HOST: z.string().min(1).default('127.0.0.1'),
  SMTP_PORT: port(1025),
  /** `tls`: TLS from the first byte (port 465); `starttls`: upgrade required; `none`: plain (local mail catchers only). */
  SMTP_TLS: z.enum(['none', 'starttls', 'tls']).default('none'),
  SMTP_USER: z.string().optional(),
  SMTP_PASSWORD: z.string().optional(),
  SMTP_FROM: z.string().min(3).default('LMA <lma@localhost>'),
  /** Domain of the deterministic Message-IDs. */
  NOTIFY_MESSAGE_ID_DOMAIN: z.string().regex(/^[A-Za-z0-9.-]+$/).default('notifications.lma.local'),
  /** Base of the links in alerts (the console or the API gateway). */
  NOTIFY_LINK_BASE_URL: z.string().url().default('http://127.0.0.1:4000/api/v1'),
  /** How often the expiry and parked-onboarding scan runs (one replica per window). */
  NOTIFY_SCAN_INTERVAL_MS: intSetting(60_000, 100, 86_400_000),
  /** How often due deliveries are looked for (new ones are sent at once). */
  NOTIFY_DELIVERY_INTERVAL_MS: intSetting(1_000, 50, 600_000),
  NOTIFY_MAX_ATTEMPTS: intSetting(8, 1, 100),
  NOTIFY_BACKOFF_INITIAL_MS: intSetting(2_000, 10, 3_600_000),
  NOTIFY_BACKOFF_MAX_MS: intSetting(600_000, 10, 86_400_000),
  /** A claimed attempt that neither finished nor failed in this time is taken over (its sender died). */
  NOTIFY_LEASE_MS: intSetting(60_000, 500, 3_600_000),
  NOTIFY_SEND_TIMEOUT_MS: intSetting(10_000, 100, 120_000),
  /**
   * Webhooks may point to loopback, private, link-local or reserved addresses (domain/
   * webhookTargets.ts). Off in production (server-side request forgery); on for local runs and
   * tests, whose receivers are on loopback.
   */
  NOTIFY_WEBHOOK_ALLOW_PRIVATE: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /** Expiry stages still fire up to this many days after the expiration date (catch-up after downtime), never later. */
  NOTIFY_EXPIRY_CATCHUP_DAYS: intSetting(3, 0, 365),
  /** License and lead events older than this raise no alert (a new consumer replaying history stays quiet). */
  NOTIFY_EVENT_MAX_AGE_HOURS: intSetting(72, 1, 87_600),
});

/** Loopback, or a name reserved for examples and local use (RFC 2606, RFC 6761, mDNS). */
function localOrPlaceholder(host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  if (isIP(h)) return /^127\.|^0\.0\.0\.0$|^::1?$/.test(h);
  return /(^|\.)(localhost|local|test|example|invalid)$/.test(h) || /(^|\.)example\.(com|net|org)$/.test(h);
}

/** Where a reader of an alert, or a receiving mail server, must get to: a public name (with a dot). */
const unreachable = (host: string) => localOrPlaceholder(host) || (!isIP(host) && !host.includes('.'));

/** The domain of `addr@domain` or `Name <addr@domain>`, or undefined when it is neither. */
function senderDomain(from: string): string | undefined {
  const address = /<([^<>\s]+)>\s*$/.exec(from)?.[1] ?? from.trim();
  return /^[^@\s<>]+@([^@\s<>]+)$/.exec(address)?.[1];
}

/**
 * What a production deployment may not leave at its local default or a placeholder: mail and
 * credentials in clear (SMTP_TLS=none), a relay without credentials, a sender or Message-ID
 * domain on localhost, .local or example.com (refused or spam-filtered by receivers), links to
 * 127.0.0.1 (dead for whoever reads the alert) or over plain http.
 */
function productionProblems(c: z.infer<typeof Settings>): { field: string; reason: string }[] {
  if (c.NODE_ENV !== 'production') return [];
  const problems: { field: string; reason: string }[] = [];
  const required = 'is required in production';
  if (c.SMTP_TLS === 'none') problems.push({ field: 'SMTP_TLS', reason: 'must be starttls or tls in production (with none, mail and credentials cross the network in clear)' });
  if (localOrPlaceholder(c.SMTP_HOST)) problems.push({ field: 'SMTP_HOST', reason: `must name the SMTP relay in production, not ${c.SMTP_HOST}` });
  if (!c.SMTP_USER) problems.push({ field: 'SMTP_USER', reason: `${required} (the relay's credentials, from a Secret)` });
  if (!c.SMTP_PASSWORD) problems.push({ field: 'SMTP_PASSWORD', reason: `${required} (the relay's credentials, from a Secret)` });
  if (unreachable(c.NOTIFY_MESSAGE_ID_DOMAIN)) problems.push({ field: 'NOTIFY_MESSAGE_ID_DOMAIN', reason: `must be a domain of yours in production (usually the sender's), not ${c.NOTIFY_MESSAGE_ID_DOMAIN}` });
  const domain = senderDomain(c.SMTP_FROM);
  if (!domain || unreachable(domain)) problems.push({ field: 'SMTP_FROM', reason: `must be a sender address on your own domain in production ("LMA <lma@vendor.com>"), not ${c.SMTP_FROM}` });
  const link = new URL(c.NOTIFY_LINK_BASE_URL);
  if (link.protocol !== 'https:' || unreachable(link.hostname.replace(/^\[(.*)\]$/, '$1'))) {
    problems.push({ field: 'NOTIFY_LINK_BASE_URL', reason: `must be the https address readers of an alert reach (the console or the API gateway) in production, not ${c.NOTIFY_LINK_BASE_URL}` });
  }
  return problems;
}

export const NotificationConfig = Settings.superRefine((c, ctx) => {
  for (const p of productionProblems(c)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [p.field], message: p.reason });
}).superRefine(requireGatewayPublicKey);
export type NotificationConfig = z.infer<typeof NotificationConfig>;

export const readConfig = (env: NodeJS.ProcessEnv = process.env): NotificationConfig => loadConfig(NotificationConfig, env);
