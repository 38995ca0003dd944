import type { DefaultLicense, PackageRegisteredV1 } from '@lma/contracts';
import type { LatestVersion } from './versions';

/** Created only from `marketplace.package.registered`; partner-editable fields start blank. */
export interface Package {
  _id: string;
  packageName: string;
  developerName: string;
  developerOrgId: string;
  registeredAt: string;
  defaultLicense: DefaultLicense;
  sandboxSiteLicense: boolean;
  leadManagerId: string | null;
  ownerId: string | null;
  latestVersionId: string | null;
  latestVersionNumber: string | null;
  latestReleasedAt: string | null;
  registrationEventId: string;
  updatedAt: Date;
  /**
   * Changes of the package as the API shows it (its ETag): registrations after the first, the
   * latest version, the lead manager and the default license values by hand; absent = 0.
   */
  revision?: number;
  /** The audit entry of the latest such change, stored in package_audit right after the package (as a license's, domain/audit.ts). */
  lastAudit?: PackageAuditEntry | null;
}

/** Created only from `marketplace.package-version.uploaded`; read-only for everyone. */
export interface PackageVersion {
  _id: string;
  packageId: string;
  versionName: string;
  versionNumber: string;
  beta: boolean;
  releasedAt: string;
}

/** A change of a package's default license values, `_id` `<packageId>:<revision>`. */
export interface PackageAuditEntry {
  _id: string;
  packageId: string;
  revision: number;
  at: Date;
  changedBy: string;
  reason: string;
  before: Record<string, unknown>;
  after: Record<string, unknown>;
}

const nextRevision = (p: Package): number => (p.revision ?? 0) + 1;

/** The package with `latest` as its latest version; null when it has it already. */
export function withLatestVersion(p: Package, latest: LatestVersion | null): Package | null {
  if (!latest || p.latestVersionId === latest.packageVersionId) return null;
  return { ...p, latestVersionId: latest.packageVersionId, latestVersionNumber: latest.versionNumber, latestReleasedAt: latest.releasedAt, revision: nextRevision(p) };
}

/**
 * A registration: the marketplace-owned fields follow the latest registration; the partner-owned
 * ones (default license values once the package exists, lead manager, owner) are never touched.
 * Null when this registration is the one applied already (a redelivery).
 */
export function registeredPackage(current: Package | null, d: PackageRegisteredV1, eventId: string, now: Date, latest: LatestVersion | null): Package | null {
  if (current?.registrationEventId === eventId) return null;
  const base: Package = current ?? {
    _id: d.packageId,
    packageName: d.packageName,
    developerName: d.developerName,
    developerOrgId: d.developerOrgId,
    registeredAt: d.registeredAt,
    defaultLicense: d.defaultLicense,
    sandboxSiteLicense: true,
    leadManagerId: null,
    ownerId: null,
    latestVersionId: null,
    latestVersionNumber: null,
    latestReleasedAt: null,
    registrationEventId: eventId,
    updatedAt: now,
    revision: 0,
    lastAudit: null,
  };
  const p: Package = {
    ...base,
    packageName: d.packageName,
    developerName: d.developerName,
    developerOrgId: d.developerOrgId,
    registeredAt: d.registeredAt,
    registrationEventId: eventId,
    updatedAt: now,
    revision: current ? nextRevision(current) : 0,
  };
  const withLatest = withLatestVersion(p, latest);
  return withLatest ? { ...withLatest, revision: p.revision } : p;
}

/** What a partner may change on a package (PATCH /packages/{packageId}), with a reason. */
export interface DefaultsChange {
  defaultLicense?: Partial<DefaultLicense> | undefined;
  sandboxSiteLicense?: boolean | undefined;
  reason: string;
}

/**
 * A change of the default license values: the next revision with its audit entry (the changed
 * values before and after), or null when nothing changes. New licenses get the new defaults;
 * existing ones do not change.
 */
export function decideDefaultsChange(p: Package, change: DefaultsChange, changedBy: string, now: Date): Package | null {
  const before: Record<string, unknown> = { defaultLicense: p.defaultLicense, sandboxSiteLicense: p.sandboxSiteLicense };
  const after = {
    defaultLicense: { ...p.defaultLicense, ...(change.defaultLicense ?? {}) },
    sandboxSiteLicense: change.sandboxSiteLicense ?? p.sandboxSiteLicense,
  };
  const changed = Object.keys(after).filter((k) => JSON.stringify(after[k as keyof typeof after]) !== JSON.stringify(before[k]));
  if (changed.length === 0) return null;
  const revision = nextRevision(p);
  const lastAudit: PackageAuditEntry = {
    _id: `${p._id}:${revision}`,
    packageId: p._id,
    revision,
    at: now,
    changedBy,
    reason: change.reason,
    before: Object.fromEntries(changed.map((k) => [k, before[k]])),
    after: Object.fromEntries(changed.map((k) => [k, after[k as keyof typeof after]])),
  };
  return { ...p, ...after, revision, updatedAt: now, lastAudit };
}

/** The lead manager the lead service routes the package's leads to (mirrored for the partner); null when unchanged. */
export function withLeadManager(p: Package | null, leadManagerId: string | null): Package | null {
  return p && p.leadManagerId !== leadManagerId ? { ...p, leadManagerId, revision: nextRevision(p) } : null;
}
