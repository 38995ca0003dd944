import { z } from 'zod';
import { BaseConfig, intSetting, loadConfig, port } from '@lma/core';

export const NotificationConfig = BaseConfig.extend({
  PORT: port(4004),
  /** SMTP relay for email alerts (credentials are never logged). */
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
export type NotificationConfig = z.infer<typeof NotificationConfig>;

export const readConfig = (env: NodeJS.ProcessEnv = process.env): NotificationConfig => loadConfig(NotificationConfig, env);
