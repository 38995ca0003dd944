import { InternalTopic, LICENSE_EVENTS_TOPIC, MARKETPLACE_EVENTS_TOPIC } from '@lma/contracts';
import { systemClock } from '@lma/core';
import { createRuntime, runMain } from '@lma/service';
import { createApp } from './app';
import { readConfig } from './config';
import { onMarketplaceEvent } from './handlers/onMarketplaceEvent';
import { onResumeTrigger } from './handlers/onResumeTrigger';
import { onSagaReply } from './handlers/onSagaReply';
import { startSweeper } from './handlers/sweeper';
import { models, registerModels } from './infra/models';

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
    ],
  });
  const deps = { models: models(rt.db), locks: rt.locks, clock: systemClock, kick: rt.relay.kick };
  await rt.consume({ group: 'install-intake', topics: [MARKETPLACE_EVENTS_TOPIC], handle: onMarketplaceEvent(deps) });
  await rt.consume({ group: 'install-intake.replies', topics: [InternalTopic.SagaReplies], handle: onSagaReply(deps) });
  await rt.consume({
    group: 'install-intake.resume',
    topics: [InternalTopic.MarketplaceAccepted, InternalTopic.LeadEvents],
    handle: onResumeTrigger(deps),
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
