import { InternalTopic, LICENSE_EVENTS_TOPIC, MARKETPLACE_EVENTS_TOPIC, ParkReason, NotificationInputTopic } from '@lma/contracts';
import { systemClock } from '@lma/core';
import { createRuntime, runMain } from '@lma/service';
import { Gauge, Histogram, type Registry } from 'prom-client';
import { createApp } from './app';
import { readConfig } from './config';
import { onMarketplaceEvent } from './handlers/onMarketplaceEvent';
import { onResumeTrigger } from './handlers/onResumeTrigger';
import { onSagaReply } from './handlers/onSagaReply';
import { RefreshTopic } from '@lma/contracts';
import { onStartOnboardings } from './handlers/onStartOnboardings';
import { startSweeper } from './handlers/sweeper';
import { models, registerModels, type Models } from './infra/models';
import type { SagaState } from './domain/onboarding';
import type { SagaMetrics } from './infra/sagaStore';

runMain('install-intake', async () => {
  const config = readConfig();
  const rt = await createRuntime({
    name: 'install-intake',
    config,
    models: registerModels,
    topics: [
      MARKETPLACE_EVENTS_TOPIC,
      InternalTopic.MarketplaceAccepted,
      InternalTopic.LeadCommands,
      InternalTopic.LicenseCommands,
      InternalTopic.SagaReplies,
      InternalTopic.LeadEvents,
      LICENSE_EVENTS_TOPIC,
      RefreshTopic.OnboardingCommands,
      RefreshTopic.RefreshReplies,
      NotificationInputTopic.OnboardingEvents,
    ],
  });
  const m = models(rt.db);
  const deps = { models: m, locks: rt.locks, clock: systemClock, kick: rt.relay.kick, sagaMetrics: sagaMetrics(rt.metrics, m) };
  await rt.consume({ group: 'install-intake', topics: [MARKETPLACE_EVENTS_TOPIC], handle: onMarketplaceEvent(deps) });
  await rt.consume({ group: 'install-intake.replies', topics: [InternalTopic.SagaReplies], handle: onSagaReply(deps) });
  await rt.consume({
    group: 'install-intake.resume',
    topics: [InternalTopic.MarketplaceAccepted, InternalTopic.LeadEvents],
    handle: onResumeTrigger(deps),
  });
  // a refresh (docs/refresh.md) onboards installations the marketplace lists without a license
  await rt.consume({
    group: 'install-intake.refresh',
    topics: [RefreshTopic.OnboardingCommands],
    handle: onStartOnboardings({ models: m, publisher: rt.publisher, clock: systemClock, kick: rt.relay.kick }),
  });
  const sweeper = startSweeper({
    ...deps,
    logger: rt.logger,
    intervalMs: config.SAGA_SWEEP_INTERVAL_MS,
    stepTimeoutMs: config.SAGA_STEP_TIMEOUT_MS,
    maxSends: config.SAGA_MAX_SENDS,
  });
  rt.onStop(() => sweeper.stop());
  const auth = config.AUTH_JWT_SECRET ? { secret: config.AUTH_JWT_SECRET, issuer: config.AUTH_JWT_ISSUER } : undefined;
  await rt.serve(createApp({ ...deps, auth }));
});

const SAGA_STATES: readonly SagaState[] = ['lead_requested', 'license_requested', 'withdrawing_lead', 'completed', 'parked', 'failed'];

/** Sagas by state and parked sagas by reason (counted on scrape), and time to complete. */
function sagaMetrics(registry: Registry, m: Models): SagaMetrics {
  new Gauge({
    name: 'lma_sagas',
    help: 'Onboarding sagas by state.',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      for (const state of SAGA_STATES) this.set({ state }, await m.Onboarding.countDocuments({ state }));
    },
  });
  new Gauge({
    name: 'lma_sagas_parked',
    help: 'Parked onboarding sagas by the reason they wait for.',
    labelNames: ['reason'] as const,
    registers: [registry],
    async collect() {
      for (const reason of ParkReason.options) this.set({ reason }, await m.Onboarding.countDocuments({ state: 'parked', parkedReason: reason }));
    },
  });
  const duration = new Histogram({
    name: 'lma_saga_duration_seconds',
    help: 'Time from an install (saga created) to its license (saga completed), parked time included.',
    buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 6 * 3600, 24 * 3600],
    registers: [registry],
  });
  return { completed: (seconds) => duration.observe(seconds) };
}
