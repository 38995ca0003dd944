const DAY_MS = 86_400_000;

/** Midnight UTC starting a `YYYY-MM-DD` date. */
export const dayStart = (date: string): number => Date.parse(`${date}T00:00:00Z`);

/** When the alert `stage` days before `expiresOn` is due: midnight UTC, `stage` days before the expiration date. */
export const stageDueAt = (expiresOn: string, stage: number): Date => new Date(dayStart(expiresOn) - stage * DAY_MS);

/** Whole days from now until the expiration date begins (0 on the day, negative after). */
export const daysLeft = (expiresOn: string, now: Date): number => Math.ceil((dayStart(expiresOn) - now.getTime()) / DAY_MS);

/**
 * The expiry stage to alert now, if any. The due stage closest to the expiration date wins: a
 * license created (or extended, or caught up after downtime) 5 days before it expires gets the
 * 7-day alert, not a stale 30-day one as well. Nothing is due for a license without an
 * expiration date, or more than `catchUpDays` after it expired (the cut-off: an alert that late
 * tells nobody anything new).
 */
export function dueStage(expiresOn: string | null, stages: number[], now: Date, catchUpDays: number): number | null {
  if (expiresOn === null) return null;
  const t = now.getTime();
  if (t >= dayStart(expiresOn) + catchUpDays * DAY_MS) return null;
  const due = stages.filter((s) => stageDueAt(expiresOn, s).getTime() <= t);
  return due.length ? Math.min(...due) : null;
}

/** The occasion of an expiry alert: per license, expiration date and stage, so an extended license is alerted again. */
export const expiryOccasion = (licenseId: string, expiresOn: string, stage: number): string => `expiring:${licenseId}:${expiresOn}:${stage}`;
