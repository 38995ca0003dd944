import type { License } from './license';
import type { Decision } from './lifecycle';

/**
 * One entry per published change of a license, `_id` `<licenseId>:<revision>`: who, when, why, and
 * the changed fields before and after. The license carries the entry of its latest published
 * change (`lastAudit`), written in the same document write as the change itself; it is copied to
 * `license_audit` right after, and whoever publishes the next change first makes sure it was
 * (a crash in between loses nothing). Readers add the carried entry when it is not stored yet.
 */
export interface LicenseAuditEntry {
  _id: string;
  licenseId: string;
  revision: number;
  at: Date;
  eventType: string;
  changedBy: string;
  reason: string;
  before: Record<string, unknown>;
  after: Record<string, unknown>;
}

/** The license fields an audit entry shows before and after a change. */
export const AUDITED_FIELDS: readonly (keyof License)[] = [
  'status', 'seats', 'usedLicenses', 'expiresOn', 'packageVersionId', 'versionNumber', 'orgEdition', 'orgStatus', 'orgExpiresOn',
  'instance', 'sandbox', 'leadId', 'accountId', 'contactId', 'orgLocked', 'deletedAt',
];

/** The audit entry of a decision taken on `l` that publishes as `revision`: only the audited fields it changes. */
export function auditEntryOf(l: License, set: Decision['set'], revision: number, event: NonNullable<Decision['event']>, now: Date): LicenseAuditEntry {
  const changed = AUDITED_FIELDS.filter((k) => k in set && set[k] !== l[k]);
  return {
    _id: `${l._id}:${revision}`,
    licenseId: l._id,
    revision,
    at: now,
    eventType: event.type,
    changedBy: event.changedBy,
    reason: event.reason,
    before: Object.fromEntries(changed.map((k) => [k, l[k] ?? null])),
    after: Object.fromEntries(changed.map((k) => [k, set[k] ?? null])),
  };
}

/**
 * A page of audit entries (newest first) with the license's carried entry added when the stored
 * ones do not have it yet: it is the newest, so it belongs on the first page only.
 */
export function withCarriedEntry<E extends { revision: number }>(stored: readonly E[], carried: E | null | undefined, firstPage: boolean): E[] {
  if (!carried || !firstPage || stored.some((e) => e.revision === carried.revision)) return [...stored];
  return [carried, ...stored.filter((e) => e.revision < carried.revision)];
}
