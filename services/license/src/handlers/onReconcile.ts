import {
  LicenseEventType,
  ReconcileLicensesV1,
  RefreshCommandType,
  RefreshReplyType,
  InternalSource,
  RefreshTopic,
  ReportUnseenLicensesV1,
  UNSEEN_LISTED_MAX,
  parseData,
  traceContext,
  type CloudEvent,
  type LicensesReconciledV1,
  type ReconcileOutcome,
  type SnapshotInstallation,
  type TraceContext,
  type UnseenLicensesReportedV1,
} from '@lma/contracts';
import { isDuplicateKey, isTransient, type Clock } from '@lma/core';
import { outboxOnInsert, type DocumentLocks, type Publisher } from '@lma/kafka';
import { licenseIdFor, type License, type PackageDefaults } from '../domain/license';
import { detectDrift } from '../domain/reconcile';
import { loadLicense, writeDecision } from '../infra/licenseChanges';
import type { Models } from '../infra/models';
import type { ReconcileModels } from '../infra/reconcileModels';

export interface ReconcileDeps {
  models: Models;
  reconcile: ReconcileModels;
  publisher: Publisher;
  locks: DocumentLocks;
  clock: Clock;
  kick: () => void;
  /** Drifted licenses corrected at once within a page. */
  concurrency?: number;
}

/** Licenses read at once by `_id`. */
const READ_BATCH = 1000;

/** Runs `fn` over `items`, at most `limit` at a time, keeping the order of the results. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/**
 * Refresh commands: reconcile one snapshot page with the package's licenses (one command and one
 * reply per page), and, after the last page, report the licenses the snapshot did not list.
 */
export function onReconcile(deps: ReconcileDeps) {
  return async (event: CloudEvent<unknown>): Promise<void> => {
    if (event.type === RefreshCommandType.ReconcileLicenses) await reconcilePage(deps, parseData(ReconcileLicensesV1, event.data), traceContext(event));
    else if (event.type === RefreshCommandType.ReportUnseenLicenses) await reportUnseen(deps, parseData(ReportUnseenLicensesV1, event.data), traceContext(event));
  };
}

/**
 * Each installation is compared with its license: none yet -> `create-needed` (the refresh
 * service has the onboarding saga create it); drifted -> corrected through the license's usual
 * change path (lock, revision + 1, one event with reason `refresh`, outbox), once per job (the
 * job's change id is kept as applied); otherwise `unchanged`. The page's reply is written with the
 * page's record (its outbox), after every correction, so a redelivered command replies once.
 */
async function reconcilePage(deps: ReconcileDeps, cmd: ReconcileLicensesV1, trace: TraceContext): Promise<void> {
  const pageId = `${cmd.jobId}:${cmd.page}`;
  if (await deps.reconcile.ReconciledPage.exists({ _id: pageId })) return;
  const now = deps.clock.now();
  const pkg = await deps.models.Package.findById(cmd.packageId, { defaultLicense: 1, sandboxSiteLicense: 1 }).lean();
  const defaults: PackageDefaults | null = pkg ? { defaultLicense: pkg.defaultLicense, sandboxSiteLicense: pkg.sandboxSiteLicense } : null;
  const changeId = `refresh:${cmd.jobId}`;
  const installations = cmd.installations.filter((i) => i.packageId === cmd.packageId);

  const found = await readLicenses(deps, installations.map((i) => licenseIdFor(i.packageId, i.subscriberOrgId)));
  const results = await mapLimit(installations, deps.concurrency ?? 8, async (i): Promise<ReconcileOutcome> => {
    try {
      return await reconcileOne(deps, i, found.get(licenseIdFor(i.packageId, i.subscriberOrgId)) ?? null, defaults, changeId, now, trace);
    } catch (err) {
      // infrastructure and races retry the page (corrections already made are kept as applied)
      if (isDuplicateKey(err) || isTransient(err)) throw err;
      return { subscriberOrgId: i.subscriberOrgId, outcome: 'failed', reason: err instanceof Error ? err.message : String(err) };
    }
  });
  const createNeeded: SnapshotInstallation[] = installations.filter((_, k) => results[k]!.outcome === 'create-needed');
  const reply: LicensesReconciledV1 = { jobId: cmd.jobId, packageId: cmd.packageId, page: cmd.page, results, createNeeded };
  try {
    await deps.reconcile.ReconciledPage.create({
      _id: pageId,
      jobId: cmd.jobId,
      page: cmd.page,
      orgIds: installations.map((i) => i.subscriberOrgId),
      reconciledAt: now,
      ...outboxOnInsert(
        [
          {
            topic: RefreshTopic.RefreshReplies,
            id: `${pageId}:${RefreshReplyType.LicensesReconciled}`,
            source: InternalSource.License,
            type: RefreshReplyType.LicensesReconciled,
            time: now.toISOString(),
            key: cmd.packageId,
            data: reply,
            ...trace,
          },
        ],
        now,
      ),
    });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err; // another replica finished this page meanwhile
  }
  deps.kick();
}

/**
 * The page's licenses in one bulk read by `_id` (only drifted ones are read again, under their
 * lock). MongoDB answers it from the `_id` index. FerretDB (the test database) scans the whole
 * collection for it, but once per page: still about ten times cheaper there than a thousand
 * single reads, each of which it also answers by scanning (measured; docs/refresh.md).
 */
async function readLicenses(deps: ReconcileDeps, ids: string[]): Promise<Map<string, License>> {
  const found = new Map<string, License>();
  for (let k = 0; k < ids.length; k += READ_BATCH) {
    const batch = (await deps.models.License.find({ _id: { $in: ids.slice(k, k + READ_BATCH) } }, { outbox: 0, outboxAt: 0 }).lean()) as License[];
    for (const l of batch) found.set(l._id, l);
  }
  return found;
}

async function reconcileOne(
  deps: ReconcileDeps,
  i: SnapshotInstallation,
  first: License | null,
  defaults: PackageDefaults | null,
  changeId: string,
  now: Date,
  trace: TraceContext,
): Promise<ReconcileOutcome> {
  const org = i.subscriberOrgId;
  const licenseId = licenseIdFor(i.packageId, org);
  if (!first?.licenseName) return { subscriberOrgId: org, outcome: 'create-needed' };
  // a deleted license (its org was deleted) stays deleted; an unchanged one needs no lock
  if (first.deletedAt || first.appliedEventIds.includes(changeId) || !detectDrift(first, i, defaults, changeId, now)) {
    return { subscriberOrgId: org, outcome: 'unchanged' };
  }
  return await deps.locks.run(licenseId, async (): Promise<ReconcileOutcome> => {
    const l = await loadLicense(deps.models, licenseId);
    const drift = l && !l.deletedAt && !l.appliedEventIds.includes(changeId) ? detectDrift(l, i, defaults, changeId, now) : null;
    if (!l || !drift) return { subscriberOrgId: org, outcome: 'unchanged' };
    if (drift.decision.event?.type === LicenseEventType.Uninstalled) await deps.models.SeatAssignment.deleteMany({ licenseId });
    await writeDecision(deps.models, l, drift.decision, changeId, now, trace);
    return { subscriberOrgId: org, outcome: 'corrected', fields: drift.fields };
  });
}

/**
 * The package's licenses that no page of the job listed (the marketplace no longer knows the
 * installation): reported, never deleted. The orgs seen are held as a set of ids while the
 * package's licenses stream by (ids only, about 50 bytes per installation).
 */
async function reportUnseen(deps: ReconcileDeps, cmd: ReportUnseenLicensesV1, trace: TraceContext): Promise<void> {
  const seen = new Set<string>();
  for await (const p of deps.reconcile.ReconciledPage.find({ jobId: cmd.jobId }, { orgIds: 1 }).lean().cursor()) {
    for (const o of p.orgIds) seen.add(o);
  }
  let count = 0;
  const listed: UnseenLicensesReportedV1['licenses'] = [];
  const cursor = deps.models.License.find({ packageId: cmd.packageId }, { _id: 1, licenseName: 1, subscriberOrgId: 1, deletedAt: 1 }).lean().cursor();
  for await (const l of cursor) {
    if (l.deletedAt || !l.licenseName || seen.has(l.subscriberOrgId)) continue;
    count++;
    if (listed.length < UNSEEN_LISTED_MAX) listed.push({ licenseId: l._id, licenseName: l.licenseName, subscriberOrgId: l.subscriberOrgId });
  }
  const now = deps.clock.now();
  await deps.publisher.publish([
    {
      topic: RefreshTopic.RefreshReplies,
      id: `${cmd.jobId}:${RefreshReplyType.UnseenLicensesReported}`,
      source: InternalSource.License,
      type: RefreshReplyType.UnseenLicensesReported,
      time: now.toISOString(),
      key: cmd.packageId,
      data: { jobId: cmd.jobId, packageId: cmd.packageId, count, licenses: listed } satisfies UnseenLicensesReportedV1,
      ...trace,
    },
  ]);
}
