import { installationKey } from '@lma/contracts';
import type { Logger } from '@lma/core';
import type { Store } from '@lma/store';
import type { Onboarding } from '../domain/onboarding';
import { timerOf } from '../domain/sagaTimers';
import { attentionOf } from '../domain/attention';
import { Collections, type InstallationOnboardings, type Models } from './models';
import { SAGA_TOTALS_ID, type SagaTotals } from './sagaCounts';

const MIGRATION_ID = 'saga-timers-and-installation-keys';
const CONCURRENCY = 16;

interface Migration {
  _id: string;
  doneAt: Date;
  sagas: number;
}

type Indexed = Pick<Onboarding, '_id' | 'packageId' | 'subscriberOrgId' | 'state' | 'sends' | 'commandSentAt' | 'parkedReason' | 'parkedRetryAt' | 'createdAt' | 'updatedAt'>;

/**
 * Sagas stored before the timers, installation keys and totals existed get them, once per
 * database (a marker in `migrations`), before the consumers start: without a timer a saga under
 * way would never be re-sent or retried. The one read of the whole `onboardings` collection the
 * service makes, and only then; on an empty or migrated database it reads nothing.
 */
export async function backfillSagaIndexes(deps: { store: Store; models: Models; stepTimeoutMs: number; logger: Logger }): Promise<void> {
  const migrations = deps.store.aggregates<Migration>(Collections.migrations);
  if (await migrations.get(MIGRATION_ID)) return;
  const installations = deps.store.aggregates<InstallationOnboardings>(Collections.installations);
  const projection = { _id: 1, packageId: 1, subscriberOrgId: 1, state: 1, sends: 1, commandSentAt: 1, parkedReason: 1, parkedRetryAt: 1, createdAt: 1, updatedAt: 1 };
  const sagas = (await deps.store.db.collection(deps.models.Onboarding.collection.collectionName).find({}, { projection }).toArray()) as unknown as Indexed[];
  if (sagas.length) deps.logger.info({ sagas: sagas.length }, 'giving stored sagas their timers and installation keys');

  const timers = sagas.flatMap((s) => timerOf({ ...s, steps: [] } as unknown as Onboarding, deps.stepTimeoutMs) ?? []);
  const byInstallation = new Map<string, Indexed[]>();
  for (const s of [...sagas].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())) {
    const key = installationKey(s.packageId, s.subscriberOrgId);
    byInstallation.set(key, [...(byInstallation.get(key) ?? []), s]);
  }
  const keys = [...byInstallation.entries()];
  for (let i = 0; i < Math.max(timers.length, keys.length); i += CONCURRENCY) {
    await Promise.all([
      ...timers.slice(i, i + CONCURRENCY).map((t) => deps.models.SagaTimer.replaceOne({ _id: t._id }, t, { upsert: true })),
      ...keys.slice(i, i + CONCURRENCY).map(([key, of]) =>
        installations.update(key, (cur) => {
          const missing = of.map((s) => s._id).filter((id) => !cur?.sagaIds.includes(id));
          if (!missing.length) return null;
          return { state: { _id: key, packageId: of[0]!.packageId, subscriberOrgId: of[0]!.subscriberOrgId, sagaIds: [...(cur?.sagaIds ?? []), ...missing] } };
        }),
      ),
    ]);
  }
  const count = (state: string) => sagas.filter((s) => s.state === state).length;
  await deps.store.aggregates<SagaTotals>(Collections.sagaCounts).insertOnce({ _id: SAGA_TOTALS_ID, completed: count('completed'), failed: count('failed') });
  await migrations.insertOnce({ _id: MIGRATION_ID, doneAt: new Date(), sagas: sagas.length });
}

const ATTENTION_MIGRATION_ID = 'onboarding-attention';

/**
 * Parked sagas stored before the attention list existed are put on it, once per database, from
 * their timers (pending work only: `{ state: 'parked' }`). Failed ones from before are not listed
 * (finding them would read the whole history).
 */
export async function backfillAttention(deps: { store: Store; models: Models; logger: Logger }): Promise<void> {
  const migrations = deps.store.aggregates<Migration>(Collections.migrations);
  if (await migrations.get(ATTENTION_MIGRATION_ID)) return;
  const sagas = deps.store.aggregates<Onboarding>(deps.models.Onboarding);
  const parked = await deps.models.SagaTimer.find({ state: 'parked' }, { _id: 1 }).lean();
  for (let i = 0; i < parked.length; i += CONCURRENCY) {
    await Promise.all(
      parked.slice(i, i + CONCURRENCY).map(async ({ _id }) => {
        const saga = await sagas.get(_id);
        const a = saga && attentionOf(saga);
        if (a) await deps.models.OnboardingAttention.replaceOne({ _id: a._id }, a, { upsert: true });
      }),
    );
  }
  if (parked.length) deps.logger.info({ parked: parked.length }, 'parked onboardings put on the attention list');
  await migrations.insertOnce({ _id: ATTENTION_MIGRATION_ID, doneAt: new Date(), sagas: parked.length });
}
