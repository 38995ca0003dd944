import { LicenseEventType, type DriftField, type SnapshotInstallation } from '@lma/contracts';
import type { License, PackageDefaults } from './license';
import { isAfter, type Decision } from './lifecycle';

/**
 * Drift between a license and the marketplace's snapshot of its installation (a refresh). The
 * snapshot is the truth as of when the marketplace took it (`asOf`, the page's time): every field
 * that differs is corrected in one change, with one event, and the times the lifecycle rules
 * compare with (`presenceAt`, `versionAt`, `orgInfoCurrentAsOf`) move to that time, so a
 * marketplace event older than the snapshot arriving late cannot undo the correction, and one
 * newer than the snapshot still applies. A field the license learned of after the snapshot (a
 * reinstall, an upgrade, an org change applied before the page was reconciled) is newer than the
 * snapshot and is left alone.
 */
export interface Drift {
  fields: DriftField[];
  decision: Decision;
}

/** The org fields of a license as the snapshot gives them. */
function orgFields(i: SnapshotInstallation): Pick<License, 'orgEdition' | 'orgStatus' | 'orgExpiresOn' | 'instance' | 'sandbox'> {
  return {
    orgEdition: i.org.edition,
    orgStatus: i.org.status,
    orgExpiresOn: i.org.status === 'Trial' ? (i.org.trialExpiresOn ?? null) : null,
    instance: i.org.instance,
    sandbox: i.org.sandbox,
  };
}

const ORG_FIELDS = ['orgEdition', 'orgStatus', 'orgExpiresOn', 'instance', 'sandbox'] as const;

/**
 * The one event of a correction, when several fields drifted at once: a change of presence is the
 * most important fact (uninstalled or reinstalled), then a version alone (upgraded), then seats
 * in use alone (seats-used-changed); anything else, or a mix, is `modified`.
 */
export function eventTypeFor(fields: readonly DriftField[], uninstalledNow: boolean): LicenseEventType {
  if (fields.includes('uninstalled')) return uninstalledNow ? LicenseEventType.Uninstalled : LicenseEventType.Reinstalled;
  if (fields.length === 1 && fields[0] === 'version') return LicenseEventType.Upgraded;
  if (fields.length === 1 && fields[0] === 'usedLicenses') return LicenseEventType.SeatsUsedChanged;
  return LicenseEventType.Modified;
}

/**
 * What to correct so the license matches the snapshot, or null when nothing drifted. A snapshot
 * saying uninstalled makes the license Uninstalled with no seats in use (its other fields are
 * still corrected); one saying installed brings an Uninstalled license back with the package's
 * default status. Used licenses are compared only for installed licenses.
 */
export function detectDrift(l: License, i: SnapshotInstallation, defaults: PackageDefaults | null, changedBy: string, asOf: string): Drift | null {
  const set: Partial<License> = {};
  const fields: DriftField[] = [];
  const at = asOf;
  /** Whether the license's own knowledge of a field, as of `since`, is no newer than the snapshot. */
  const snapshotNewer = (since: string) => !isAfter(since, asOf);

  if ((l.packageVersionId !== i.packageVersionId || l.versionNumber !== i.versionNumber) && snapshotNewer(l.versionAt)) {
    fields.push('version');
    Object.assign(set, { packageVersionId: i.packageVersionId, versionNumber: i.versionNumber, versionAt: at });
  }
  const org = orgFields(i);
  for (const f of ORG_FIELDS) {
    if (l[f] !== org[f] && snapshotNewer(l.orgInfoCurrentAsOf)) {
      fields.push(f);
      Object.assign(set, { [f]: org[f] });
    }
  }
  if (ORG_FIELDS.some((f) => fields.includes(f))) set.orgInfoCurrentAsOf = at;

  const wasUninstalled = l.status === 'Uninstalled';
  const presence = snapshotNewer(l.presenceAt);
  if (!presence) {
    // installed or uninstalled after the snapshot: its presence and seats in use are newer
  } else if (i.uninstalled && !wasUninstalled) {
    fields.push('uninstalled');
    Object.assign(set, { status: 'Uninstalled', usedLicenses: null, presenceAt: at });
  } else if (!i.uninstalled && wasUninstalled) {
    fields.push('uninstalled');
    Object.assign(set, { status: defaults?.defaultLicense.status ?? 'Active', usedLicenses: i.usedLicenses, presenceAt: at });
  } else if (!i.uninstalled && l.usedLicenses !== i.usedLicenses) {
    fields.push('usedLicenses');
    set.usedLicenses = i.usedLicenses;
  }

  if (fields.length === 0) return null;
  return { fields, decision: { set, event: { type: eventTypeFor(fields, i.uninstalled), changedBy, reason: 'refresh' } } };
}

/** The license fields detectDrift compares (what a refresh digest keeps of each license). */
export type DriftKeyFields = Pick<License, 'packageVersionId' | 'versionNumber' | (typeof ORG_FIELDS)[number] | 'status' | 'usedLicenses'>;

/**
 * What detectDrift compares, as one string: a license and a snapshot installation have equal keys
 * exactly when detectDrift finds nothing (unit-tested over every combination that matters). Used
 * licenses count only while installed, as detectDrift compares them.
 */
export function licenseDriftKey(l: DriftKeyFields): string {
  const uninstalled = l.status === 'Uninstalled';
  return JSON.stringify([l.packageVersionId, l.versionNumber, ...ORG_FIELDS.map((f) => l[f]), uninstalled, uninstalled ? null : l.usedLicenses]);
}

export function installationDriftKey(i: SnapshotInstallation): string {
  const org = orgFields(i);
  return JSON.stringify([i.packageVersionId, i.versionNumber, ...ORG_FIELDS.map((f) => org[f]), i.uninstalled, i.uninstalled ? null : i.usedLicenses]);
}
