import { InternalTopic, LICENSE_EVENTS_TOPIC, MarketplaceEventType, RefreshTopic } from '@lma/contracts';
import { clockFromEnv } from '@lma/core';
import { createRuntime, runMain } from '@lma/service';
import { createCheckFastPath } from './api/checkFastPath';
import { createCheckAnswerer } from './api/checks';
import { createApp } from './app';
import { readConfig } from './config';
import { onCreateLicense } from './handlers/onCreateLicense';
import { onLeadEvent } from './handlers/onLeadEvent';
import { LICENSE_CHANGE_EVENTS, onLicenseMarketplaceEvent } from './handlers/onLicenseMarketplaceEvent';
import { onPackageEvent } from './handlers/onPackageEvent';
import { models, registerModels } from './infra/models';
import { startCheckReadModel } from './infra/checkSync';
import { onReconcile } from './handlers/onReconcile';
import { RefreshDigests } from './infra/refreshDigests';
import { reconcileModels, registerReconcileModels } from './infra/reconcileModels';

const PACKAGE_EVENTS: ReadonlySet<string> = new Set([MarketplaceEventType.PackageRegistered, MarketplaceEventType.PackageVersionUploaded]);

runMain('license', async () => {
  const config = readConfig();
  const rt = await createRuntime({
    name: 'license',
    config,
    models: (db) => {
      registerModels(db);
      registerReconcileModels(db);
    },
    topics: [InternalTopic.MarketplaceAccepted, InternalTopic.LicenseCommands, InternalTopic.SagaReplies, InternalTopic.LeadEvents, LICENSE_EVENTS_TOPIC, RefreshTopic.LicenseReconcile, RefreshTopic.RefreshReplies],
  });
  const m = models(rt.db);
  const clock = clockFromEnv();
  const onPackage = onPackageEvent({ models: m, clock });
  const onLicenseChange = onLicenseMarketplaceEvent({ models: m, locks: rt.locks, clock, kick: rt.relay.kick });
  await rt.consume({
    group: 'license.marketplace',
    topics: [InternalTopic.MarketplaceAccepted],
    handle: async (event) => {
      if (PACKAGE_EVENTS.has(event.type)) await onPackage(event);
      else if (LICENSE_CHANGE_EVENTS.has(event.type)) await onLicenseChange(event);
    },
  });
  await rt.consume({
    group: 'license.leads',
    topics: [InternalTopic.LeadEvents],
    handle: onLeadEvent({ models: m, locks: rt.locks, clock, kick: rt.relay.kick }),
  });
  await rt.consume({
    group: 'license.commands',
    topics: [InternalTopic.LicenseCommands],
    handle: onCreateLicense({ models: m, publisher: rt.publisher, locks: rt.locks, clock, kick: rt.relay.kick }),
  });
  // refresh jobs (docs/refresh.md): a page at a time, on their own topic so live installs never wait behind them
  await rt.consume({
    group: 'license.reconcile',
    topics: [RefreshTopic.LicenseReconcile],
    handle: onReconcile({ models: m, reconcile: reconcileModels(rt.db), publisher: rt.publisher, locks: rt.locks, clock, kick: rt.relay.kick, digests: new RefreshDigests(m, { maxJobs: config.LICENSE_REFRESH_DIGEST_JOBS }) }),
  });
  const auth = config.AUTH_JWT_SECRET ? { secret: config.AUTH_JWT_SECRET, issuer: config.AUTH_JWT_ISSUER } : undefined;
  const checks = await startCheckReadModel(rt, m);
  const checkAnswers = createCheckAnswerer({ checks, clock }, rt.metrics);
  // the license check hot path answers in front of express (api/checkFastPath.ts); all else goes to express
  await rt.serve(createApp({ models: m, auth, locks: rt.locks, clock, kick: rt.relay.kick, checks, metrics: rt.metrics, checkAnswers }), {
    front: createCheckFastPath({ auth, answers: checkAnswers, logger: rt.logger }),
  });
});
