import { InternalTopic, LICENSE_EVENTS_TOPIC } from '@lma/contracts';
import { systemClock } from '@lma/core';
import { createRuntime, runMain } from '@lma/service';
import { createApp } from './app';
import { readConfig } from './config';
import { onLeadCommand } from './handlers/onLeadCommand';
import { onLicenseEvent } from './handlers/onLicenseEvent';
import { leadData } from './infra/aggregates';
import { models, registerModels } from './infra/models';
import { LEAD_QUERIES } from './infra/queries';

runMain('lead', async () => {
  const config = readConfig();
  const rt = await createRuntime({
    name: 'lead',
    config,
    models: registerModels,
    topics: [InternalTopic.LeadCommands, InternalTopic.SagaReplies, InternalTopic.LeadEvents, LICENSE_EVENTS_TOPIC],
    queries: LEAD_QUERIES,
  });
  const m = models(rt.db);
  const deps = { models: m, data: leadData(rt.store, m), clock: systemClock };
  await rt.consume({ group: 'lead.commands', topics: [InternalTopic.LeadCommands], handle: onLeadCommand(deps) });
  // the licenses shown with leads, accounts and contacts; a new group reads the whole topic
  await rt.consume({ group: 'lead.license-events', topics: [LICENSE_EVENTS_TOPIC], fromBeginning: true, handle: onLicenseEvent(deps) });
  const auth = rt.forwardTokens;
  await rt.serve(createApp({ ...deps, auth }));
});
