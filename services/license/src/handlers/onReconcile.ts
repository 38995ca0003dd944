import {
  ReconcileLicensesV1,
  RefreshCommandType,
  RefreshReplyType,
  ReportUnseenLicensesV1,
  UNSEEN_LISTED_MAX,
  eventOf,
  parseData,
  traceContext,
  type CloudEvent,
  type DriftField,
  type LicensesReconciledV1,
  type ReconcileOutcome,
  type SnapshotInstallation,
  type TraceContext,
  type UnseenLicensesReportedV1,
} from '@lma/contracts';
import { isTransient, type Clock, type Logger } from '@lma/core';
import type { HandlerContext } from '@lma/kafka';
import type { Aggregates } from '@lma/store';
import { licenseIdFor, type License, type PackageDefaults } from '../domain/license';
import type { Decision } from '../domain/lifecycle';
import { detectDrift, installationDriftKey } from '../domain/reconcile';
import { answerCommand, decideOn, writeLicense, type ChangeDeps } from '../infra/licenseChanges';
import type { Models } from '../infra/models';
import type { ReconcileModels, ReconciledPage } from '../infra/reconcileModels';
import type { RefreshDigests } from '../infra/refreshDigests';

export interface ReconcileDeps extends ChangeDeps {
  models: Pick<Models, 'License'>;
  reconcile: ReconcileModels;
  /** The reconciled pages, written through the store with their replies. */
  pages: Aggregates<ReconciledPage>;
  clock: Clock;
  /** The digests of the jobs this process reconciles (one pass over a package per job). */
  digests: RefreshDigests;
  /** Licenses read or corrected at once within a page. */
  concurrency?: number;
}

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
  return async (event: CloudEvent<unknown>, ctx: Pick<HandlerContext, 'heartbeat' | 'logger'>): Promise<void> => {
    if (event.type === RefreshCommandType.ReconcileLicenses) await reconcilePage(deps, parseData(ReconcileLicensesV1, event.data), traceContext(event), ctx.heartbeat);
    else if (event.type === RefreshCommandType.ReportUnseenLicenses) await reportUnseen(deps, parseData(ReportUnseenLicensesV1, event.data), traceContext(event), ctx.logger);
  };
}

/**
 * Each installation is compared with its license: none yet -> `create-needed` (the refresh
 * service has the onboarding saga create it); drifted -> corrected through the license's usual
 * change path (revision + 1, one event with reason `refresh`, one write), once per job (the
 * job's change id is kept as applied); otherwise `unchanged`. The job's digest
 * (infra/refreshDigests.ts) answers `unchanged` for an installation that matches its license as
 * the job started, without a database read; every other installation is read by `_id` and decided
 * on the stored license. The page's reply is written with the page's record (its outbox), after
 * every correction, so a redelivered command replies once.
 */
async function reconcilePage(deps: ReconcileDeps, cmd: ReconcileLicensesV1, trace: TraceContext, heartbeat: () => Promise<void>): Promise<void> {
  const pageId = `${cmd.jobId}:${cmd.page}`;
  const installations = cmd.installations.filter((i) => i.packageId === cmd.packageId);
  const orgIds = installations.map((i) => i.subscriberOrgId);
  if (await deps.reconcile.ReconciledPage.exists({ _id: pageId })) {
    (await deps.digests.peek(cmd.jobId))?.markPage(cmd.page, orgIds);
    return;
  }
  const now = deps.clock.now();
  const pkg = await deps.data.packages.get(cmd.packageId);
  const defaults: PackageDefaults | null = pkg ? { defaultLicense: pkg.defaultLicense, sandboxSiteLicense: pkg.sandboxSiteLicense } : null;
  const changeId = `refresh:${cmd.jobId}`;
  const digest = await deps.digests.forJob(cmd.jobId, cmd.packageId, heartbeat);

  const results = await mapLimit(installations, deps.concurrency ?? 8, async (i): Promise<ReconcileOutcome> => {
    const known = digest?.entries.get(i.subscriberOrgId);
    // deleted stays deleted; the same key means detectDrift would find nothing
    if (known && (known.key === null || known.key === installationDriftKey(i))) return { subscriberOrgId: i.subscriberOrgId, outcome: 'unchanged' };
    try {
      const stored = await deps.data.licenses.get(licenseIdFor(i.packageId, i.subscriberOrgId));
      return await reconcileOne(deps, i, stored, defaults, changeId, cmd.observedAt ?? now.toISOString(), now, trace);
    } catch (err) {
      // infrastructure and races retry the page (corrections already made are kept as applied)
      if (isTransient(err)) throw err;
      return { subscriberOrgId: i.subscriberOrgId, outcome: 'failed', reason: err instanceof Error ? err.message : String(err) };
    }
  });
  const createNeeded: SnapshotInstallation[] = installations.filter((_, k) => results[k]!.outcome === 'create-needed');
  const reply: LicensesReconciledV1 = { jobId: cmd.jobId, packageId: cmd.packageId, page: cmd.page, results, createNeeded };
  // nothing when another replica finished this page meanwhile
  await deps.pages.insertOnce({ _id: pageId, jobId: cmd.jobId, page: cmd.page, orgIds, reconciledAt: now }, [
    eventOf(RefreshReplyType.LicensesReconciled, reply, { id: `${pageId}:${RefreshReplyType.LicensesReconciled}`, key: cmd.packageId, time: now, ...trace }),
  ]);
  digest?.markPage(cmd.page, orgIds);
}

async function reconcileOne(
  deps: ReconcileDeps,
  i: SnapshotInstallation,
  first: License | null,
  defaults: PackageDefaults | null,
  changeId: string,
  /** When the marketplace took the snapshot (domain/reconcile.ts). */
  asOf: string,
  now: Date,
  trace: TraceContext,
): Promise<ReconcileOutcome> {
  const org = i.subscriberOrgId;
  if (!first?.licenseName) return { subscriberOrgId: org, outcome: 'create-needed' };
  // a deleted license (its org was deleted) stays deleted
  const correction = (l: License): (Decision & { fields: DriftField[] }) | null => {
    const drift = !l.deletedAt && !l.appliedEventIds.includes(changeId) ? detectDrift(l, i, defaults, changeId, asOf) : null;
    return drift ? { ...drift.decision, fields: drift.fields } : null;
  };
  if (!correction(first)) return { subscriberOrgId: org, outcome: 'unchanged' };
  const w = await writeLicense(deps, first._id, decideOn(correction), { appliedId: changeId, now, trace }, first);
  return w.written && w.outcome && typeof w.outcome === 'object' ? { subscriberOrgId: org, outcome: 'corrected', fields: w.outcome.fields } : { subscriberOrgId: org, outcome: 'unchanged' };
}

/**
 * The package's licenses that no page of the job listed (the marketplace no longer knows the
 * installation): reported, never deleted. From the job's digest when this process reconciled
 * every page (no database read; the digest is then dropped); otherwise the orgs the pages listed
 * are held as a set of ids (about 50 bytes per installation) while the package's licenses stream by.
 */
async function reportUnseen(deps: ReconcileDeps, cmd: ReportUnseenLicensesV1, trace: TraceContext, logger: Logger): Promise<void> {
  const answeredId = `unseen:${cmd.jobId}`;
  // answered already (its reply is durable in that answer's outbox): the job's pages may be gone,
  // so it is not counted again
  if (await deps.data.answeredCommands.get(answeredId)) {
    await releaseJob(deps, cmd.jobId, logger);
    return;
  }
  let count = 0;
  const listed: UnseenLicensesReportedV1['licenses'] = [];
  const add = (subscriberOrgId: string, licenseName: string) => {
    count++;
    if (listed.length < UNSEEN_LISTED_MAX) listed.push({ licenseId: licenseIdFor(cmd.packageId, subscriberOrgId), licenseName, subscriberOrgId });
  };
  const digest = await deps.digests.peek(cmd.jobId);
  if (digest?.coversPages(cmd.pages)) {
    for (const u of digest.unseen()) add(u.subscriberOrgId, u.licenseName);
  } else {
    const seen = new Set<string>();
    for await (const p of deps.reconcile.ReconciledPage.find({ jobId: cmd.jobId }, { orgIds: 1 }).lean().cursor()) {
      for (const o of p.orgIds) seen.add(o);
    }
    const cursor = deps.models.License.find({ packageId: cmd.packageId }, { licenseName: 1, subscriberOrgId: 1, deletedAt: 1 }).lean().cursor();
    for await (const l of cursor) {
      if (!l.deletedAt && l.licenseName && !seen.has(l.subscriberOrgId)) add(l.subscriberOrgId, l.licenseName);
    }
  }
  const now = deps.clock.now();
  const data: UnseenLicensesReportedV1 = { jobId: cmd.jobId, packageId: cmd.packageId, count, licenses: listed };
  await answerCommand(deps, answeredId, eventOf(RefreshReplyType.UnseenLicensesReported, data, { id: `${cmd.jobId}:${RefreshReplyType.UnseenLicensesReported}`, key: cmd.packageId, time: now, ...trace }), now);
  await releaseJob(deps, cmd.jobId, logger);
}

/**
 * The job is answered: its digest and page records are no longer needed (a page redelivered
 * after this is reconciled again: nothing is corrected twice, and its reply is ignored).
 */
async function releaseJob(deps: ReconcileDeps, jobId: string, logger: Logger): Promise<void> {
  deps.digests.release(jobId);
  await deps.reconcile.ReconciledPage.deleteMany({ jobId }).catch((err: unknown) => logger.warn({ err, job_id: jobId }, 'reconciled pages not removed'));
}
