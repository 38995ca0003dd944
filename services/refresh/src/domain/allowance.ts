/**
 * The refresh allowance of a package: one refresh per 7 days, counted from the time the last
 * weekly refresh was accepted; beyond it, one more per unused administrator grant. A retry of an
 * incomplete job uses neither. (Pure rules: the store makes them exclusive with unique inserts.)
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
