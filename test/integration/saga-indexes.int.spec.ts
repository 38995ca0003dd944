import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { examplePackageInstalled } from '@lma/contracts';
import { eventually, ids } from '@lma/testing';
import { applyReply, applyTransition, startOnboarding, type Onboarding } from '../../services/install-intake/src/domain/onboarding';
import { Harness } from './harness';

/**
 * Sagas stored before install-intake kept timers and installation keys (an upgrade): the
 * service gives them both once at start, so the parked one still resumes and both are listed.
 */
const h = new Harness('saga-indexes', { SAGA_SWEEP_INTERVAL_MS: '500' });
const packageId = ids.packageId();
const subscriberOrgId = ids.subscriberOrgId();
const install = { ...examplePackageInstalled, packageId, subscriberOrgId };
const t0 = new Date(Date.now() - 60_000);

function parkedSaga(): Onboarding {
  const { saga } = startOnboarding(`old-parked-${subscriberOrgId}`, install, t0);
  const parked = applyTransition(saga, applyReply(saga, { kind: 'lead-parked', commandId: saga.pendingCommandId!, reason: 'package-not-registered', detail: 'not yet' }, t0)!);
  // its scheduled retry far off: only the registration resumes it within the test
  return { ...parked, parkedRetryAt: new Date(Date.now() + 10 * 60_000) };
}
function completedSaga(): Onboarding {
  const { saga } = startOnboarding(`old-done-${subscriberOrgId}`, install, new Date(t0.getTime() - 1_000));
  return { ...saga, state: 'completed', step: null, pendingCommandId: null, commandSentAt: null, licenseId: 'lic-old', licenseName: 'L-000009', completedAt: t0 };
}

beforeAll(async () => {
  await h.mongo.connect();
  // as the previous version left them: an emptied outbox, no store version, no timers or keys
  await h.db('install-intake').collection('onboardings').insertMany([{ ...parkedSaga(), outbox: [] }, { ...completedSaga(), outbox: [] }] as never[]);
  await h.start(['install-intake'], []);
});
afterAll(async () => {
  await h.stop();
});

interface Listed {
  items: { installEventId: string; state: string }[];
}

describe('sagas stored before timers and installation keys', () => {
  it('are listed for their install, counted, and a parked one resumes when its package is registered', async () => {
    const list = await h.http('install-intake', 'GET', `/v1/onboardings?packageId=${packageId}&subscriberOrgId=${subscriberOrgId}`);
    expect(list.status).toBe(200);
    expect((list.body as unknown as Listed).items.map((i) => `${i.installEventId}:${i.state}`)).toEqual([`old-parked-${subscriberOrgId}:parked`, `old-done-${subscriberOrgId}:completed`]);
    const timers = await h.db('install-intake').collection('saga_timers').find({}).toArray();
    expect(timers).toEqual([expect.objectContaining({ _id: `onb:old-parked-${subscriberOrgId}`, state: 'parked', parkedReason: 'package-not-registered', packageId })]);

    const gauges = await eventually('the saga gauges', async () => {
      const text = await (await fetch(`${h.service('install-intake').metricsUrl}/metrics`)).text();
      return /lma_sagas\{state="parked"\} 1/.test(text) ? text : undefined;
    });
    expect(gauges).toMatch(/lma_sagas\{state="completed"\} 1/);
    expect(gauges).toMatch(/lma_sagas_parked\{reason="package-not-registered"\} 1/);

    await h.registerPackage({ packageId });
    const resumed = await eventually('the parked saga resumed', async () => {
      const r = await h.http('install-intake', 'GET', `/v1/onboardings/by-event/old-parked-${subscriberOrgId}`);
      return r.body['state'] === 'lead_requested' ? r.body : undefined;
    });
    expect(JSON.stringify(resumed)).toContain(`package ${packageId} registered`);
  });
});
