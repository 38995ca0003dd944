import { InternalTopic, LICENSE_EVENTS_TOPIC, MARKETPLACE_EVENTS_TOPIC } from '@lma/contracts';
import { systemClock } from '@lma/core';
import { createRuntime, runMain } from '@lma/service';
import { createApp } from './app';
import { readConfig } from './config';
import { onMarketplaceEvent } from './handlers/onMarketplaceEvent';
import { onSagaReply } from './handlers/onSagaReply';
import { models, registerModels } from './infra/models';

runMain('install-intake', async () => {
  const config = readConfig();
  const rt = await createRuntime({
    name: 'install-intake',
    config,
    models: registerModels,
    topics: [MARKETPLACE_EVENTS_TOPIC, InternalTopic.MarketplaceAccepted, InternalTopic.LicenseCommands, InternalTopic.SagaReplies, LICENSE_EVENTS_TOPIC],
  });
  const m = models(rt.db);
  const clock = systemClock;
  await rt.consume({ group: 'install-intake', topics: [MARKETPLACE_EVENTS_TOPIC], handle: onMarketplaceEvent({ models: m, clock, kick: rt.relay.kick }) });
  await rt.consume({ group: 'install-intake.replies', topics: [InternalTopic.SagaReplies], handle: onSagaReply({ models: m, locks: rt.locks, clock }) });
  const auth = config.AUTH_JWT_SECRET ? { secret: config.AUTH_JWT_SECRET, issuer: config.AUTH_JWT_ISSUER } : undefined;
  await rt.serve(createApp({ models: m, auth }));
});
