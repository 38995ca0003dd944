import {
  LicenseEventType,
  type CreateLicenseV1,
  type LeadConvertedV1,
  type OrgChangedV1,
  type PackageUninstalledV1,
  type PackageUpgradedV1,
  type UserLicenseChangedV1,
} from '@lma/contracts';
import { ConflictError, NotFoundError } from '@lma/core';
import type { License, PackageDefaults } from './license';

/**
 * What happens to a license after it was created: upgrades, uninstalls, reinstalls, org changes,
 * seat assignments and links. Every rule takes the license and the change and returns what to
 * write; the handler writes it, the next revision and the event in one document update.
 *
 * Ordering and redelivery: the same ce_id is ignored (`appliedEventIds`), and each kind of change
 * carries its own time, compared with the time of the last applied change of that kind
 * (`presenceAt`, `versionAt`, `orgInfoCurrentAsOf`), so a late or repeated event never undoes a
 * newer one.
 */

/** A change of the license's fields and, unless it is bookkeeping only, the event it publishes. */
export interface Decision {
  set: Partial<License>;
  event: { type: LicenseEventType; changedBy: string; reason: string } | null;
}

/**
 * The change cannot apply yet: the license is uninstalled but the change is newer than the
 * uninstall, so a reinstall must have happened that this service has not applied yet. It is kept
 * and applied after that reinstall.
 */
export const DEFER = 'defer';
export type Outcome = Decision | typeof DEFER | null;

/** A change to one license, from the marketplace or the lead service, with its event id. */
export type LicenseChange =
  | { kind: 'upgraded'; id: string; data: PackageUpgradedV1 }
  | { kind: 'uninstalled'; id: string; data: PackageUninstalledV1 }
  | { kind: 'user-license'; id: string; data: UserLicenseChangedV1 }
  | { kind: 'org-changed'; id: string; data: OrgChangedV1 }
  | { kind: 'lead-converted'; id: string; data: LeadConvertedV1 };

const MARKETPLACE = 'marketplace';

/** When the change happened, by the time its source gave it. */
export function changeTime(c: LicenseChange): string {
  switch (c.kind) {
    case 'upgraded':
      return c.data.upgradedAt;
    case 'uninstalled':
      return c.data.uninstalledAt;
    case 'user-license':
      return c.data.changedAt;
    case 'org-changed':
      return c.data.observedAt;
    case 'lead-converted':
      return c.data.convertedAt;
  }
}

/** True when timestamp `a` is strictly later than `b` (RFC 3339 strings compare as instants, not text). */
export const isAfter = (a: string, b: string): boolean => Date.parse(a) > Date.parse(b);

const ignored = (l: License, id: string): boolean => l.deletedAt !== null || l.appliedEventIds.includes(id);

/** `marketplace.package.upgraded`: the same license moves to the new version. */
export function decideUpgrade(l: License, c: { id: string; data: PackageUpgradedV1 }): Outcome {
  const { upgradedAt, packageVersionId, versionNumber } = c.data;
  if (ignored(l, c.id) || !isAfter(upgradedAt, l.versionAt)) return null;
  if (l.status === 'Uninstalled') return isAfter(upgradedAt, l.presenceAt) ? DEFER : null;
  if (packageVersionId === l.packageVersionId) return { set: { versionAt: upgradedAt }, event: null };
  return {
    set: { packageVersionId, versionNumber, versionAt: upgradedAt },
    event: { type: LicenseEventType.Upgraded, changedBy: MARKETPLACE, reason: 'package upgraded' },
  };
}

/** `marketplace.package.uninstalled`: status Uninstalled, no seats in use; read-only until a reinstall. */
export function decideUninstall(l: License, c: { id: string; data: PackageUninstalledV1 }): Outcome {
  const { uninstalledAt } = c.data;
  if (ignored(l, c.id) || !isAfter(uninstalledAt, l.presenceAt)) return null;
  if (l.status === 'Uninstalled') return DEFER;
  return {
    set: { status: 'Uninstalled', usedLicenses: null, presenceAt: uninstalledAt },
    event: { type: LicenseEventType.Uninstalled, changedBy: MARKETPLACE, reason: 'package uninstalled' },
  };
}

/**
 * Another install of a package the org already has a license for (the onboarding saga's
 * CreateLicense). An uninstalled license comes back with the package's default status, no seats
 * in use and the install's version and org fields; seats and expiration stay as they were.
 * An installed license changes nothing, but remembers the install time so that an uninstall older
 * than it (arriving late) is recognised as stale.
 */
export function decideReinstall(
  l: License,
  cmd: Pick<CreateLicenseV1, 'commandId' | 'install'>,
  defaults: PackageDefaults,
): Decision | null {
  const { install } = cmd;
  const at = install.installedAt;
  if (ignored(l, cmd.commandId) || !isAfter(at, l.presenceAt)) return null;
  if (l.status !== 'Uninstalled') return { set: { presenceAt: at }, event: null };
  const set: Partial<License> = {
    status: defaults.defaultLicense.status,
    ...(defaults.defaultLicense.status === 'Active' ? { everActive: true } : {}),
    usedLicenses: 0,
    presenceAt: at,
    packageVersionId: install.packageVersionId,
    versionNumber: install.versionNumber,
    versionAt: at,
  };
  if (isAfter(at, l.orgInfoCurrentAsOf)) {
    Object.assign(set, {
      orgEdition: install.org.edition,
      orgStatus: install.org.status,
      orgExpiresOn: install.org.status === 'Trial' ? (install.org.trialExpiresOn ?? null) : null,
      instance: install.org.instance,
      sandbox: install.org.sandbox,
      // an org installs only while it is active
      orgLocked: false,
      orgInfoCurrentAsOf: at,
    } satisfies Partial<License>);
  }
  return { set, event: { type: LicenseEventType.Reinstalled, changedBy: MARKETPLACE, reason: 'package reinstalled' } };
}

/** The org fields an org change gives, only those that differ from the license's. */
function orgFieldsFrom(l: License, d: OrgChangedV1): Partial<License> {
  const orgStatus = d.status ?? l.orgStatus;
  const next: Partial<License> = {
    orgEdition: d.edition ?? l.orgEdition,
    orgStatus,
    orgExpiresOn: orgStatus === 'Trial' ? (d.trialExpiresOn ?? l.orgExpiresOn) : null,
    instance: d.instance ?? l.instance,
    sandbox: d.sandbox ?? l.sandbox,
  };
  return Object.fromEntries(Object.entries(next).filter(([k, v]) => l[k as keyof License] !== v)) as Partial<License>;
}

/**
 * `marketplace.org.changed` (applies to every license of the org): org fields and the time they
 * are current as of; `locked` locks the license against changes and `active` unlocks it (both
 * `lma.license.modified`: the license's status does not change); `deleted` deletes the license
 * (`lma.license.deleted`). An uninstalled license keeps its org fields until a reinstall (only
 * deletion applies); the org's changes are kept and the newer ones applied after the reinstall.
 */
export function decideOrgChanged(l: License, c: { id: string; data: OrgChangedV1 }, now: Date): Outcome {
  const d = c.data;
  if (ignored(l, c.id) || !isAfter(d.observedAt, l.orgInfoCurrentAsOf)) return null;
  if (l.status === 'Uninstalled' && d.lifecycle !== 'deleted') return null;
  const fields = orgFieldsFrom(l, d);
  const set: Partial<License> = { ...fields, orgInfoCurrentAsOf: d.observedAt };
  const event = (reason: string, type: LicenseEventType = LicenseEventType.Modified) => ({ type, changedBy: MARKETPLACE, reason });
  if (d.lifecycle === 'deleted') return { set: { ...set, deletedAt: now }, event: event('org deleted', LicenseEventType.Deleted) };
  if (d.lifecycle === 'locked' && !l.orgLocked) return { set: { ...set, orgLocked: true }, event: event('org locked') };
  if (d.lifecycle === 'active' && l.orgLocked) return { set: { ...set, orgLocked: false }, event: event('org unlocked') };
  return { set, event: Object.keys(fields).length ? event('org changed') : null };
}

/**
 * Whether a `marketplace.user-license.changed` may change the license's seat assignments:
 * never for a deleted license or one already given this event; not when older than the last
 * install, reinstall or uninstall (those reset the assignments); deferred while uninstalled.
 */
export function seatChangeOutcome(l: License, c: { id: string; data: UserLicenseChangedV1 }): 'apply' | typeof DEFER | null {
  if (ignored(l, c.id) || isAfter(l.presenceAt, c.data.changedAt)) return null;
  return l.status === 'Uninstalled' ? DEFER : 'apply';
}

/** Seats used is the exact count of assigned users; an event only when the count changed. */
export function decideSeatsUsed(l: License, assigned: number, by: { changedBy: string; reason: string } = { changedBy: MARKETPLACE, reason: 'seat assignments changed' }): Decision | null {
  if (l.usedLicenses === assigned) return null;
  return { set: { usedLicenses: assigned }, event: { type: LicenseEventType.SeatsUsedChanged, ...by } };
}

/** `lma.lead.converted`: the licenses of the lead are linked to the new account and contact. */
export function decideLink(l: License, c: { id: string; data: LeadConvertedV1 }): Outcome {
  const { leadId, accountId, contactId } = c.data;
  if (ignored(l, c.id) || l.leadId !== leadId) return null;
  if (l.accountId === accountId && l.contactId === contactId) return null;
  return { set: { accountId, contactId }, event: { type: LicenseEventType.Linked, changedBy: 'lead-conversion', reason: `lead ${leadId} converted` } };
}

/** The one decision for any change (seat changes need the assignment count: see decideSeatsUsed). */
export function decideChange(l: License, c: Exclude<LicenseChange, { kind: 'user-license' }>, now: Date): Outcome {
  switch (c.kind) {
    case 'upgraded':
      return decideUpgrade(l, c);
    case 'uninstalled':
      return decideUninstall(l, c);
    case 'org-changed':
      return decideOrgChanged(l, c, now);
    case 'lead-converted':
      return decideLink(l, c);
  }
}

/** Refuses changes (the Modify License API) to a deleted or uninstalled license, or while its org is locked. */
export function assertModifiable(l: Pick<License, 'licenseName' | 'status' | 'orgLocked' | 'deletedAt' | '_id'>): void {
  if (l.deletedAt) throw new NotFoundError(`License ${l.licenseName ?? l._id}`);
  if (l.status === 'Uninstalled') throw new ConflictError('license-not-modifiable', "Uninstalled licenses can't be modified");
  if (l.orgLocked) throw new ConflictError('license-not-modifiable', 'the subscriber org is locked');
}
