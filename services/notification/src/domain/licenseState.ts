import { REPUBLISH_REASON, type LicenseV1 } from '@lma/contracts';

/**
 * The read model of one license, from `lma.license.events` (whole license per event, kept only
 * when its revision is newer). `uninstalledSince` / `suspendedSince`: the revision at which the
 * current uninstall / suspension began, the occasion key of its alert (the same on a redelivery,
 * a new one after a reinstall or reactivation).
 */
export type LicenseView = Omit<LicenseV1, 'licenseId' | 'changedBy' | 'reason'> & {
  _id: string;
  uninstalledSince: number | null;
  suspendedSince: number | null;
  updatedAt: Date;
};

/**
 * The revision at which the license's current `status` began (the uninstall or suspension an
 * alert is about), or null when it is not in that status. A redelivered or later event of the same
 * stretch keeps the first revision, so its alert's occasion stays the same; a new stretch (after a
 * reinstall or a reactivation) starts a new one.
 */
export function stretchStart(
  prev: { status: string; revision: number; since: number | null } | null,
  next: { status: string; revision: number },
  status: string,
): number | null {
  if (next.status !== status) return null;
  if (prev && prev.status === status && prev.since !== null && prev.revision <= next.revision) return prev.since;
  return next.revision;
}

/**
 * What a license event does to the read model: an older revision than the one kept changes
 * nothing and raises nothing (`view` null); the kept revision again (a redelivery) changes nothing
 * but is handled again, so a crash between the write and the alerts loses no alert; a newer one
 * replaces the license.
 */
export function applyLicenseEvent(prev: LicenseView | null, lic: LicenseV1, now: Date): { view: LicenseView | null; changed: boolean } {
  if (prev && prev.revision > lic.revision) return { view: null, changed: false };
  if (prev && prev.revision === lic.revision) return { view: prev, changed: false };
  const { licenseId, changedBy: _c, reason: _r, ...fields } = lic;
  const view: LicenseView = {
    ...fields,
    _id: licenseId,
    uninstalledSince: stretchStart(prev && { status: prev.status, revision: prev.revision, since: prev.uninstalledSince }, lic, 'Uninstalled'),
    suspendedSince: stretchStart(prev && { status: prev.status, revision: prev.revision, since: prev.suspendedSince }, lic, 'Suspended'),
    updatedAt: now,
  };
  return { view, changed: true };
}

/**
 * Whether a license event reports a change recent enough for an uninstall or suspension alert:
 * not older than `maxAgeMs` (a read model filled from the beginning of the topic alerts on nothing
 * old), and not a republish, which reports no change (the state is as old as its revision).
 */
export const reportsRecentChange = (lic: Pick<LicenseV1, 'reason'>, occurredAt: Date, now: Date, maxAgeMs: number): boolean =>
  lic.reason !== REPUBLISH_REASON && now.getTime() - occurredAt.getTime() <= maxAgeMs;
