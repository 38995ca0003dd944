import type { DefaultLicense, LicenseStatus, LicenseV1, PackageInstalledV1 } from '@lma/contracts';
import type { LicenseAuditEntry } from './audit';
import type { SeatWrite } from './seats';

/** A license as stored; `licenseNumber` is null only between insert and name assignment. */
export interface License {
  _id: string;
  licenseNumber: number | null;
  licenseName: string | null;
  packageId: string;
  packageVersionId: string;
  versionNumber: string;
  subscriberOrgId: string;
  status: LicenseStatus;
  seats: number | null;
  usedLicenses: number | null;
  expiresOn: string | null;
  installDate: string;
  orgEdition: string;
  orgStatus: string;
  orgExpiresOn: string | null;
  instance: string;
  sandbox: boolean;
  leadId: string | null;
  accountId: string | null;
  contactId: string | null;
  revision: number;
  createdFor: { sagaId: string; commandId: string } | null;
  createdAt: Date;
  updatedAt: Date;
  /** Not published: set while the subscriber org is locked (changes are then refused). */
  orgLocked: boolean;
  /** The time of the marketplace observation the org fields are current as of. */
  orgInfoCurrentAsOf: string;
  /** Soft delete (the org was deleted): the document stays so its outbox still drains. */
  deletedAt: Date | null;
  /** Time of the last applied install, reinstall or uninstall: older ones are stale. */
  presenceAt: string;
  /** Time of the last applied install, reinstall or upgrade: older upgrades are stale. */
  versionAt: string;
  /** The last applied marketplace event and command ids (bounded): a redelivery changes nothing. */
  appliedEventIds: string[];
  /** Set once the license has been Active (created Active included): it can never go back to Trial. */
  everActive?: boolean;
  /**
   * Bumped whenever the seat assignments are reset (an uninstall, a reinstall): a seat record of
   * an earlier epoch holds no seat (domain/seats.ts). Absent: 0.
   */
  seatEpoch?: number;
  /** The users holding a seat in the current epoch, kept by each seat change. Absent: usedLicenses. */
  seatsAssigned?: number;
  /** Seat changes made so far: the number of the last seat write. Absent: 0. */
  seatSeq?: number;
  /** The last seat change, written to its seat record right after the license (domain/seats.ts). */
  seatWrite?: SeatWrite | null;
  /** The audit entry of the latest published change, stored in license_audit right after the license (domain/audit.ts). */
  lastAudit?: LicenseAuditEntry | null;
}

export interface PackageDefaults {
  defaultLicense: DefaultLicense;
  /** Sandbox installs get a site license unless the package says otherwise. */
  sandboxSiteLicense: boolean;
}

/** One license per package and subscriber org: the id is derived from both. */
export const licenseIdFor = (packageId: string, subscriberOrgId: string): string => `lic_${packageId}_${subscriberOrgId}`;

/** Adds days to a date (UTC), returning `YYYY-MM-DD`. */
export function addDays(isoTimestampOrDate: string, days: number): string {
  const d = new Date(isoTimestampOrDate.length === 10 ? `${isoTimestampOrDate}T00:00:00Z` : isoTimestampOrDate);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/**
 * The terms a new license gets from its package's defaults: the default status; expiration
 * `lengthDays` after the install date, or none; the default seats, or a site license (null).
 */
export function termsFromDefaults(
  defaults: PackageDefaults,
  install: Pick<PackageInstalledV1, 'installedAt' | 'org'>,
): Pick<License, 'status' | 'seats' | 'expiresOn' | 'usedLicenses'> {
  const { status, lengthDays, seats } = defaults.defaultLicense;
  return {
    status,
    expiresOn: lengthDays === null ? null : addDays(install.installedAt, lengthDays),
    seats: install.org.sandbox && defaults.sandboxSiteLicense ? null : seats,
    usedLicenses: 0,
  };
}

/** A new, not yet named license for an install. */
export function newLicense(
  defaults: PackageDefaults,
  install: PackageInstalledV1,
  links: { leadId: string | null; contactId: string | null },
  createdFor: License['createdFor'],
  now: Date,
): License {
  return {
    _id: licenseIdFor(install.packageId, install.subscriberOrgId),
    licenseNumber: null,
    licenseName: null,
    packageId: install.packageId,
    packageVersionId: install.packageVersionId,
    versionNumber: install.versionNumber,
    subscriberOrgId: install.subscriberOrgId,
    ...termsFromDefaults(defaults, install),
    installDate: install.installedAt,
    orgEdition: install.org.edition,
    orgStatus: install.org.status,
    orgExpiresOn: install.org.status === 'Trial' ? (install.org.trialExpiresOn ?? null) : null,
    instance: install.org.instance,
    sandbox: install.org.sandbox,
    leadId: links.leadId,
    accountId: null,
    contactId: links.contactId,
    revision: 0,
    createdFor,
    createdAt: now,
    updatedAt: now,
    orgLocked: false,
    orgInfoCurrentAsOf: install.installedAt,
    deletedAt: null,
    presenceAt: install.installedAt,
    versionAt: install.installedAt,
    appliedEventIds: [],
    everActive: defaults.defaultLicense.status === 'Active',
    seatEpoch: 0,
    seatsAssigned: 0,
    seatSeq: 0,
    seatWrite: null,
    lastAudit: null,
  };
}

/** The whole license as published on `lma.license.events`. */
export function toLicenseV1(l: License, change?: { changedBy: string; reason: string }): LicenseV1 {
  if (l.licenseName === null) throw new Error(`license ${l._id} has no name yet`);
  return {
    licenseId: l._id,
    licenseName: l.licenseName,
    packageId: l.packageId,
    packageVersionId: l.packageVersionId,
    versionNumber: l.versionNumber,
    subscriberOrgId: l.subscriberOrgId,
    status: l.status,
    seats: l.seats,
    usedLicenses: l.usedLicenses,
    expiresOn: l.expiresOn,
    installDate: l.installDate,
    orgEdition: l.orgEdition,
    orgStatus: l.orgStatus,
    orgExpiresOn: l.orgExpiresOn,
    instance: l.instance,
    sandbox: l.sandbox,
    leadId: l.leadId,
    accountId: l.accountId,
    contactId: l.contactId,
    revision: l.revision,
    ...(change ?? {}),
  };
}
