import { MARKETPLACE_EVENTS_TOPIC, MARKETPLACE_SNAPSHOT_REQUESTS_TOPIC, MarketplaceEventType, RefreshTopic } from '@lma/contracts';
import { clockFromEnv } from '@lma/core';
import { createRuntime, runMain } from '@lma/service';
import { Counter, Histogram, type Registry } from 'prom-client';
import { createApp } from './app';
import { readConfig } from './config';
import { onRefreshReply } from './handlers/onRefreshReply';
import { onSnapshotPage } from './handlers/onSnapshotPage';
import { startSweeper } from './handlers/sweeper';
import { aggregatesOf, models, registerModels } from './infra/models';
import type { RefreshMetrics } from './infra/progress';
import { refreshQueries } from './infra/queries';

runMain('refresh', async () => {
  const config = readConfig();
  const rt = await createRuntime({
    name: 'refresh',
    config,
    models: registerModels,
    topics: [MARKETPLACE_EVENTS_TOPIC, MARKETPLACE_SNAPSHOT_REQUESTS_TOPIC, RefreshTopic.LicenseReconcile, RefreshTopic.OnboardingCommands, RefreshTopic.RefreshReplies],
    queries: refreshQueries,
  });
  const clock = clockFromEnv();
  const m = models(rt.db);
  const deps = { models: m, store: rt.store, aggregates: aggregatesOf(rt.store, m), clock, metrics: refreshMetrics(rt.metrics) };
  // the marketplace's snapshot pages only: its other events are install-intake's (passed over unread)
  await rt.consume({ group: 'refresh.snapshots', topics: [MARKETPLACE_EVENTS_TOPIC], types: [MarketplaceEventType.SnapshotPage], handle: onSnapshotPage(deps) });
  await rt.consume({ group: 'refresh.replies', topics: [RefreshTopic.RefreshReplies], handle: onRefreshReply(deps) });
  const sweeper = startSweeper({ ...deps, logger: rt.logger, intervalMs: config.REFRESH_SWEEP_INTERVAL_MS, pageTimeoutMs: config.REFRESH_PAGE_TIMEOUT_MS });
  rt.onStop(() => sweeper.stop());
  const auth = rt.forwardTokens;
  await rt.serve(createApp({ ...deps, auth }));
});

function refreshMetrics(registry: Registry): RefreshMetrics {
  const jobs = new Counter({ name: 'lma_refresh_jobs_total', help: 'Refresh jobs ended, by outcome.', labelNames: ['outcome'] as const, registers: [registry] });
  const installations = new Counter({
    name: 'lma_refresh_installations_total',
    help: 'Installations reconciled by refresh jobs, by result.',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'lma_refresh_job_duration_seconds',
    help: 'Time from a refresh accepted to its end (completed or incomplete).',
    buckets: [1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600],
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  return {
    installations: (result, n) => {
      if (n > 0) installations.inc({ result }, n);
    },
    jobEnded: (outcome, seconds) => {
      jobs.inc({ outcome });
      duration.observe({ outcome }, seconds);
    },
  };
}
