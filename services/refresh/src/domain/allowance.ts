import type { JobKind } from './job';

/**
 * The refresh allowance of a package: one refresh per 7 days, counted from the time the last
 * weekly refresh was accepted; beyond it, one more per unused administrator grant. A retry of an
 * incomplete job uses neither.
 */
export const REFRESH_WINDOW_MS = 7 * 24 * 3600 * 1000;

export type AllowanceDecision =
  | { kind: 'weekly' }
  | { kind: 'grant'; grantId: string }
  | { kind: 'refused'; nextAvailableAt: Date; retryAfterSeconds: number };

/** When the weekly allowance is available again (now, if it is). */
export function nextWeeklyAt(lastWeeklyAcceptedAt: Date | null, now: Date): Date {
  if (!lastWeeklyAcceptedAt) return now;
  const next = new Date(lastWeeklyAcceptedAt.getTime() + REFRESH_WINDOW_MS);
  return next > now ? next : now;
}

/** Weekly when the window has passed, else the oldest unused grant, else refused until the window ends. */
export function decideRefresh(lastWeeklyAcceptedAt: Date | null, unusedGrantIds: readonly string[], now: Date): AllowanceDecision {
  const next = nextWeeklyAt(lastWeeklyAcceptedAt, now);
  if (next.getTime() <= now.getTime()) return { kind: 'weekly' };
  const grantId = unusedGrantIds[0];
  if (grantId) return { kind: 'grant', grantId };
  return { kind: 'refused', nextAvailableAt: next, retryAfterSeconds: Math.max(1, Math.ceil((next.getTime() - now.getTime()) / 1000)) };
}

/** Job ids number a package's jobs in the order they were accepted: `rj_<packageId>_<n>`. */
export const jobIdFor = (packageId: string, seq: number): string => `rj_${packageId}_${seq}`;

/** An administrator's extra refresh for a package: who, when, why, and the job that used it. */
export interface RefreshGrant {
  _id: string;
  packageId: string;
  grantedBy: string;
  grantedAt: Date;
  reason: string;
  usedByJobId: string | null;
  usedAt: Date | null;
}

/**
 * What the allowance of a package is decided on (`_id` = the package id): its jobs 1..`lastSeq`
 * as recorded, the last weekly one, its grants. Accepting a refresh inserts job `lastSeq + 1`:
 * of two requests deciding on the same record, one insert wins and the other decides again once
 * that job is recorded, so the allowance holds on any number of replicas.
 */
export interface PackageRefreshes {
  _id: string;
  lastSeq: number;
  lastWeeklyAcceptedAt: Date | null;
  grants: RefreshGrant[];
}

const emptyRecord = (packageId: string): PackageRefreshes => ({ _id: packageId, lastSeq: 0, lastWeeklyAcceptedAt: null, grants: [] });

/** The unused grants, oldest first. */
export const unusedGrantIds = (p: PackageRefreshes | null): string[] =>
  (p?.grants ?? [])
    .filter((g) => g.usedByJobId === null)
    .sort((a, b) => a.grantedAt.getTime() - b.grantedAt.getTime() || a._id.localeCompare(b._id))
    .map((g) => g._id);

/**
 * The package's record with job `seq` in it (the week used by a weekly job, the grant used by a
 * grant job), or null when it is recorded already. Jobs are recorded in their order, each once.
 */
export function recordJob(
  p: PackageRefreshes | null,
  job: { _id: string; packageId: string; seq: number; kind: JobKind; grantId: string | null; acceptedAt: Date },
): PackageRefreshes | null {
  const current = p ?? emptyRecord(job.packageId);
  if (job.seq <= current.lastSeq) return null;
  return {
    ...current,
    lastSeq: job.seq,
    lastWeeklyAcceptedAt: job.kind === 'weekly' ? job.acceptedAt : current.lastWeeklyAcceptedAt,
    grants: current.grants.map((g) => (g._id === job.grantId ? { ...g, usedByJobId: job._id, usedAt: job.acceptedAt } : g)),
  };
}

/** The package's record with one more grant. */
export const withGrant = (p: PackageRefreshes | null, grant: RefreshGrant): PackageRefreshes => {
  const current = p ?? emptyRecord(grant.packageId);
  return { ...current, grants: [...current.grants, grant] };
};
