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
import { onReconcile } from './handlers/onReconcile';
import { onRepublishLicenses } from './handlers/onRepublishLicenses';
import { licenseData } from './infra/aggregates';
import { CheckReadModel } from './infra/checkReadModel';
import { followLicenseEvents } from './infra/checkSync';
import { LicenseNamer } from './infra/licenseNames';
import { models, registerModels } from './infra/models';
import { licenseQueries } from './infra/queries';
import { reconcileModels, registerReconcileModels } from './infra/reconcileModels';
import { RefreshDigests } from './infra/refreshDigests';

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
    topics: [
      InternalTopic.MarketplaceAccepted,
      InternalTopic.LicenseCommands,
      InternalTopic.SagaReplies,
      InternalTopic.LeadEvents,
      LICENSE_EVENTS_TOPIC,
      InternalTopic.LicenseRepublishCommands,
      RefreshTopic.LicenseReconcile,
      RefreshTopic.RefreshReplies,
    ],
    queries: licenseQueries,
  });
  const m = models(rt.db);
  const clock = clockFromEnv();
  const data = licenseData(rt.store, m);
  // told of every license write of this process (and of other replicas' through their events)
  const checks = new CheckReadModel(m);
  const changes = { data, listener: checks };
  const onPackage = onPackageEvent({ data, clock });
  const onLicenseChange = onLicenseMarketplaceEvent({ ...changes, clock });
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
    handle: onLeadEvent({ ...changes, clock }),
  });
  await rt.consume({
    group: 'license.commands',
    topics: [InternalTopic.LicenseCommands],
    handle: onCreateLicense({ ...changes, namer: new LicenseNamer({ ...changes, models: m }), clock }),
  });
  // refresh jobs (docs/refresh.md): a page at a time, on their own topic so live installs never wait behind them
  const reconcile = reconcileModels(rt.db);
  await rt.consume({
    group: 'license.reconcile',
    topics: [RefreshTopic.LicenseReconcile],
    handle: onReconcile({
      ...changes,
      models: m,
      reconcile,
      pages: rt.store.aggregates(reconcile.ReconciledPage),
      clock,
      digests: new RefreshDigests(m, { maxJobs: config.LICENSE_REFRESH_DIGEST_JOBS }),
    }),
  });
  // a republish an administrator asked for: one pass over many licenses, on a lane of its own
  await rt.consume({ group: 'license.republish', topics: [InternalTopic.LicenseRepublishCommands], handle: onRepublishLicenses({ data, models: m, clock }) });
  const auth = rt.forwardTokens;
  await followLicenseEvents(rt, checks);
  const checkAnswers = createCheckAnswerer({ checks, clock }, rt.metrics);
  // the license check hot path answers in front of express (api/checkFastPath.ts); all else goes to express
  await rt.serve(createApp({ ...changes, models: m, auth, clock, checks, metrics: rt.metrics, checkAnswers }), {
    front: createCheckFastPath({ auth, answers: checkAnswers, logger: rt.logger }),
  });
});
