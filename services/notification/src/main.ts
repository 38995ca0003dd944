import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { InternalTopic, LICENSE_EVENTS_TOPIC, NotificationInputTopic } from '@lma/contracts';
import { clockFromEnv } from '@lma/core';
import { createRuntime, runMain } from '@lma/service';
import { Counter, Histogram, type Registry } from 'prom-client';
import { createApp } from './app';
import { readConfig } from './config';
import { startDeliverer, type DeliveryMetrics } from './handlers/deliverer';
import { onLeadEvent } from './handlers/onLeadEvent';
import { onLicenseEvent } from './handlers/onLicenseEvent';
import { onOnboardingEvent } from './handlers/onOnboardingEvent';
import { startScanner } from './handlers/scanner';
import { aggregatesOf, models, registerModels } from './infra/models';
import type { NotifierMetrics } from './infra/notifier';
import { notificationQueries } from './infra/queries';
import { createEmailSender, createWebhookSender } from './infra/senders';

runMain('notification', async () => {
  const config = readConfig();
  const rt = await createRuntime({
    name: 'notification',
    config,
    models: registerModels,
    topics: [LICENSE_EVENTS_TOPIC, InternalTopic.LeadEvents, NotificationInputTopic.OnboardingEvents],
    queries: notificationQueries,
  });
  const clock = clockFromEnv();
  const owner = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const m = models(rt.db);
  const aggregates = aggregatesOf(rt.store, m);
  const metrics = notificationMetrics(rt.metrics);
  const deliverer = startDeliverer({
    models: m,
    aggregates,
    clock,
    logger: rt.logger,
    metrics: metrics.delivery,
    policy: { maxAttempts: config.NOTIFY_MAX_ATTEMPTS, initialMs: config.NOTIFY_BACKOFF_INITIAL_MS, maxMs: config.NOTIFY_BACKOFF_MAX_MS },
    leaseMs: config.NOTIFY_LEASE_MS,
    intervalMs: config.NOTIFY_DELIVERY_INTERVAL_MS,
    owner,
    messageIdDomain: config.NOTIFY_MESSAGE_ID_DOMAIN,
    sendEmail: createEmailSender({
      host: config.SMTP_HOST,
      port: config.SMTP_PORT,
      tls: config.SMTP_TLS,
      user: config.SMTP_USER,
      password: config.SMTP_PASSWORD,
      from: config.SMTP_FROM,
      timeoutMs: config.NOTIFY_SEND_TIMEOUT_MS,
    }),
    sendWebhook: createWebhookSender({ timeoutMs: config.NOTIFY_SEND_TIMEOUT_MS, allowPrivate: config.NOTIFY_WEBHOOK_ALLOW_PRIVATE }),
  });
  rt.onStop(() => deliverer.stop());
  const deps = {
    models: m,
    store: rt.store,
    aggregates,
    clock,
    logger: rt.logger,
    metrics: metrics.notifier,
    kick: deliverer.kick,
    linkBaseUrl: config.NOTIFY_LINK_BASE_URL.replace(/\/$/, ''),
    catchUpDays: config.NOTIFY_EXPIRY_CATCHUP_DAYS,
    eventMaxAgeMs: config.NOTIFY_EVENT_MAX_AGE_HOURS * 3_600_000,
  };
  // the license read model: a new group reads the whole (compacted) topic, so it starts with every license
  await rt.consume({ group: 'notification.licenses', topics: [LICENSE_EVENTS_TOPIC], fromBeginning: true, handle: onLicenseEvent(deps) });
  await rt.consume({ group: 'notification.leads', topics: [InternalTopic.LeadEvents], handle: onLeadEvent(deps) });
  await rt.consume({ group: 'notification.onboarding', topics: [NotificationInputTopic.OnboardingEvents], handle: onOnboardingEvent(deps) });
  const scanner = startScanner({ ...deps, intervalMs: config.NOTIFY_SCAN_INTERVAL_MS, owner, onScan: metrics.scanned });
  rt.onStop(() => scanner.stop());
  const auth = rt.forwardTokens;
  await rt.serve(createApp({ models: m, store: rt.store, aggregates, clock, auth, kick: deliverer.kick, allowPrivateWebhooks: config.NOTIFY_WEBHOOK_ALLOW_PRIVATE }));
});

function notificationMetrics(registry: Registry): { notifier: NotifierMetrics; delivery: DeliveryMetrics; scanned: () => void } {
  const labelNames = ['channel', 'kind'] as const;
  const created = new Counter({ name: 'lma_notifications_created_total', help: 'Notifications raised (one per rule, occasion and target).', labelNames, registers: [registry] });
  const sent = new Counter({ name: 'lma_notifications_sent_total', help: 'Notifications delivered (SMTP accepted, webhook answered 2xx).', labelNames, registers: [registry] });
  const failed = new Counter({ name: 'lma_notifications_failed_total', help: 'Notifications given up after their last attempt.', labelNames, registers: [registry] });
  const retried = new Counter({ name: 'lma_notification_attempts_failed_total', help: 'Delivery attempts that failed and will be retried.', labelNames, registers: [registry] });
  const duration = new Histogram({
    name: 'lma_notification_attempt_duration_seconds',
    help: 'Duration of one delivery attempt, by channel.',
    labelNames: ['channel'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const scans = new Counter({ name: 'lma_notification_scans_total', help: 'Scheduled scans run by this replica.', registers: [registry] });
  return {
    notifier: { created: (kind, channel) => created.inc({ kind, channel }) },
    delivery: {
      attempt(channel, kind, outcome, seconds) {
        duration.observe({ channel }, seconds);
        if (outcome === 'sent') sent.inc({ channel, kind });
        else if (outcome === 'failed') failed.inc({ channel, kind });
        else retried.inc({ channel, kind });
      },
    },
    scanned: () => scans.inc(),
  };
}
