import type { LicenseStatus, LicenseV1 } from '@lma/contracts';

/**
 * The lead service's own copy of a license (from `lma.license.events`), enough to show it with
 * the lead, account and contact it is linked to. The license service owns the license.
 */
export interface LicenseCopy {
  /** licenseId */
  _id: string;
  licenseName: string;
  packageId: string;
  subscriberOrgId: string;
  status: LicenseStatus;
  seats: number | null;
  expiresOn: string | null;
  leadId: string | null;
  accountId: string | null;
  contactId: string | null;
  revision: number;
  /** `lma.license.deleted` arrived: kept (for its revision) but no longer shown. */
  deleted: boolean;
  updatedAt: Date;
}

/** What a lead, account or contact shows of each of its licenses. */
export interface LicenseSummary {
  licenseId: string;
  licenseName: string;
  packageId: string;
  subscriberOrgId: string;
  status: LicenseStatus;
  seats: number | null;
  expiresOn: string | null;
}

/**
 * Whether a license event changes the copy: only a newer revision does. Events of one license
 * arrive in order per key, but at least once, so repeats and stale redeliveries are dropped.
 */
export const isNewer = (current: Pick<LicenseCopy, 'revision'> | null, incoming: Pick<LicenseV1, 'revision'>): boolean =>
  current === null || incoming.revision > current.revision;

export function licenseCopy(license: LicenseV1, deleted: boolean, now: Date): LicenseCopy {
  return {
    _id: license.licenseId,
    licenseName: license.licenseName,
    packageId: license.packageId,
    subscriberOrgId: license.subscriberOrgId,
    status: license.status,
    seats: license.seats,
    expiresOn: license.expiresOn,
    leadId: license.leadId,
    accountId: license.accountId,
    contactId: license.contactId,
    revision: license.revision,
    deleted,
    updatedAt: now,
  };
}

export const licenseSummary = (l: LicenseCopy): LicenseSummary => ({
  licenseId: l._id,
  licenseName: l.licenseName,
  packageId: l.packageId,
  subscriberOrgId: l.subscriberOrgId,
  status: l.status,
  seats: l.seats,
  expiresOn: l.expiresOn,
});

/** The fields of a license that link it to a lead, an account or a contact. */
export type LicenseOwnerField = 'leadId' | 'accountId' | 'contactId';
export const LICENSE_OWNER_FIELDS: readonly LicenseOwnerField[] = ['leadId', 'accountId', 'contactId'];

/**
 * The key document listing the licenses linked to one lead, account or contact (a KeySet of
 * license ids), so that they are read by `_id`: `leadId:lead_…`, `accountId:account_…`, `contactId:contact_…`.
 */
export const licenseLinksId = (field: LicenseOwnerField, ownerId: string): string => `${field}:${ownerId}`;

/** The link documents a copy belongs in: one per owner it is linked to, none once it is deleted. */
export function linksOf(copy: Pick<LicenseCopy, LicenseOwnerField | 'deleted'> | null): string[] {
  if (!copy || copy.deleted) return [];
  return LICENSE_OWNER_FIELDS.flatMap((f) => (copy[f] ? [licenseLinksId(f, copy[f])] : []));
}

/**
 * How a new copy changes the link documents: it is listed under each of its owners before it is
 * written (every one, so a link a crash left out is repaired), and taken off those it left after
 * it is written. In between, and after a crash, a link may list a license that is no longer the
 * owner's: readers check each listed copy (`groupLicenses` groups by the copy's own fields).
 */
export function linkChanges(previous: LicenseCopy | null, next: LicenseCopy): { add: string[]; remove: string[] } {
  const add = linksOf(next);
  return { add, remove: linksOf(previous).filter((l) => !add.includes(l)) };
}

/** Summaries per owner id (lead, account or contact), ordered by license name. */
export function groupLicenses(copies: LicenseCopy[], ownerOf: (l: LicenseCopy) => string | null): Map<string, LicenseSummary[]> {
  const byOwner = new Map<string, LicenseSummary[]>();
  for (const l of [...copies].sort((a, b) => a.licenseName.localeCompare(b.licenseName))) {
    const owner = ownerOf(l);
    if (l.deleted || owner === null) continue;
    const list = byOwner.get(owner) ?? [];
    list.push(licenseSummary(l));
    byOwner.set(owner, list);
  }
  return byOwner;
}
