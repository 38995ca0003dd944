import { InternalTopic, LICENSE_EVENTS_TOPIC, MARKETPLACE_EVENTS_TOPIC, ParkReason, NotificationInputTopic, RefreshTopic } from '@lma/contracts';
import { every, systemClock } from '@lma/core';
import { createRuntime, runMain } from '@lma/service';
import { Gauge, Histogram, type Registry } from 'prom-client';
import { createApp } from './app';
import { readConfig } from './config';
import { hasEnded, type SagaState } from './domain/onboarding';
import { onMarketplaceEvent } from './handlers/onMarketplaceEvent';
import { onResumeTrigger } from './handlers/onResumeTrigger';
import { onSagaReply } from './handlers/onSagaReply';
import { onStartOnboardings, type HandledCommand } from './handlers/onStartOnboardings';
import { startSweeper } from './handlers/sweeper';
import { backfillAttention, backfillSagaIndexes } from './infra/backfill';
import { Collections, models, registerModels, type InboundEvent } from './infra/models';
import { installIntakeQueries } from './infra/queries';
import { createSagaCounts, type SagaCounts } from './infra/sagaCounts';
import { createSagaStore, type SagaMetrics } from './infra/sagaStore';

runMain('install-intake', async () => {
  const config = readConfig();
  const rt = await createRuntime({
    name: 'install-intake',
    config,
    models: registerModels,
    queries: installIntakeQueries,
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
  const counts = createSagaCounts(rt.store, m.SagaTimer);
  const stepTimeoutMs = config.SAGA_STEP_TIMEOUT_MS;
  const sagas = createSagaStore({ store: rt.store, models: m, stepTimeoutMs, metrics: sagaMetrics(rt.metrics, counts) });
  await backfillSagaIndexes({ store: rt.store, models: m, stepTimeoutMs, logger: rt.logger });
  await backfillAttention({ store: rt.store, models: m, logger: rt.logger });
  const inbound = rt.store.aggregates<InboundEvent>(m.InboundEvent);
  const clock = systemClock;

  await rt.consume({ group: 'install-intake', topics: [MARKETPLACE_EVENTS_TOPIC], handle: onMarketplaceEvent({ sagas, inbound, clock }) });
  await rt.consume({ group: 'install-intake.replies', topics: [InternalTopic.SagaReplies], handle: onSagaReply({ sagas, clock }) });
  await rt.consume({
    group: 'install-intake.resume',
    topics: [InternalTopic.MarketplaceAccepted, InternalTopic.LeadEvents],
    handle: onResumeTrigger({ sagas, clock }),
  });
  // a refresh (docs/refresh.md) onboards installations the marketplace lists without a license
  await rt.consume({
    group: 'install-intake.refresh',
    topics: [RefreshTopic.OnboardingCommands],
    handle: onStartOnboardings({ sagas, handled: rt.store.aggregates<HandledCommand>(Collections.handledCommands), clock }),
  });
  const sweeper = startSweeper({
    sagas,
    counts,
    clock,
    logger: rt.logger,
    intervalMs: config.SAGA_SWEEP_INTERVAL_MS,
    stepTimeoutMs,
    maxSends: config.SAGA_MAX_SENDS,
  });
  rt.onStop(() => sweeper.stop());
  // failed onboardings leave the attention list after ONBOARDING_ATTENTION_DAYS
  const pruneAttention = async () => {
    const pruned = await sagas.pruneAttention(new Date(clock.now().getTime() - config.ONBOARDING_ATTENTION_DAYS * 86_400_000));
    if (pruned) rt.logger.info({ pruned }, 'failed onboardings older than the attention window left the list');
  };
  const pruning = every(config.ONBOARDING_ATTENTION_PRUNE_MS, pruneAttention, (err) => rt.logger.warn({ err }, 'attention list not pruned: will retry'));
  rt.onStop(() => pruning.stop());
  const auth = rt.forwardTokens;
  await rt.serve(createApp({ sagas, inbound, clock, auth }));
});

const SAGA_STATES: readonly SagaState[] = ['lead_requested', 'license_requested', 'withdrawing_lead', 'completed', 'parked', 'failed'];

/**
 * Sagas by state and parked sagas by reason, as the sweeper last counted them (a scrape reads no
 * database), and time to complete.
 */
function sagaMetrics(registry: Registry, counts: SagaCounts): SagaMetrics {
  new Gauge({
    name: 'lma_sagas',
    help: 'Onboarding sagas by state (those not ended as of the last sweep).',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const byState = counts.byState();
      for (const state of SAGA_STATES) this.set({ state }, byState[state]);
    },
  });
  new Gauge({
    name: 'lma_sagas_parked',
    help: 'Parked onboarding sagas by the reason they wait for, as of the last sweep.',
    labelNames: ['reason'] as const,
    registers: [registry],
    collect() {
      const parked = counts.parkedByReason();
      for (const reason of ParkReason.options) this.set({ reason }, parked[reason]);
    },
  });
  const duration = new Histogram({
    name: 'lma_saga_duration_seconds',
    help: 'Time from an install (saga created) to its license (saga completed), parked time included.',
    buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 6 * 3600, 24 * 3600],
    registers: [registry],
  });
  return {
    changed(before, after) {
      if (hasEnded(before.state) || !hasEnded(after.state)) return;
      counts.ended(after.state);
      if (after.state === 'completed') duration.observe(((after.completedAt ?? after.updatedAt).getTime() - after.createdAt.getTime()) / 1000);
    },
  };
}
