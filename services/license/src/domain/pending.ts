import type { License } from './license';
import { changeTime, type LicenseChange } from './lifecycle';

/**
 * Changes for a license that cannot apply yet, one document per license (`_id` the license id),
 * read by `_id`: the license does not exist yet (an upgrade or seat change before the onboarding
 * saga created it), or it is uninstalled and the change is newer than the uninstall (the
 * reinstall has not arrived yet). Applied right after the license is created or reinstalled, and
 * then removed from the list (the document stays, empty).
 */
export interface PendingChanges {
  _id: string;
  changes: PendingChange[];
}
export interface PendingChange {
  /** The change's ce_id: kept once, however often it is delivered. */
  eventId: string;
  kind: LicenseChange['kind'];
  /** The change's own time (upgradedAt, changedAt...): pending changes apply in this order. */
  at: Date;
  /** JSON text of the event's data. */
  data: string;
  receivedAt: Date;
}

/** The pending changes with `c` kept; null when it is kept already (nothing to write). */
export function withPendingChange(current: PendingChanges | null, licenseId: string, c: LicenseChange, now: Date): PendingChanges | null {
  if (current?.changes.some((p) => p.eventId === c.id)) return null;
  const item: PendingChange = { eventId: c.id, kind: c.kind, at: new Date(changeTime(c)), data: JSON.stringify(c.data), receivedAt: now };
  return { _id: licenseId, changes: [...(current?.changes ?? []), item] };
}

/** The pending changes without those applied; null when none of them is kept (nothing to write). */
export function withoutPendingChanges(current: PendingChanges | null, applied: readonly string[]): PendingChanges | null {
  if (!current?.changes.some((p) => applied.includes(p.eventId))) return null;
  return { _id: current._id, changes: current.changes.filter((p) => !applied.includes(p.eventId)) };
}

/**
 * The latest changes of each subscriber org (`_id` the org id), at most ORG_CHANGES_KEPT by
 * observation time. An org change applies to the licenses that exist; a license created or
 * reinstalled later applies those newer than its own org fields (an install parked for a while
 * may be older than them).
 */
export interface OrgChangeLog {
  _id: string;
  changes: { eventId: string; at: Date; data: string }[];
}
export const ORG_CHANGES_KEPT = 20;

/** The org's log with the change added (once per event, the latest ORG_CHANGES_KEPT); null when it is there already. */
export function withOrgChange(current: OrgChangeLog | null, c: Extract<LicenseChange, { kind: 'org-changed' }>): OrgChangeLog | null {
  if (current?.changes.some((x) => x.eventId === c.id)) return null;
  const item = { eventId: c.id, at: new Date(c.data.observedAt), data: JSON.stringify(c.data) };
  const changes = [...(current?.changes ?? []), item].sort((a, b) => a.at.getTime() - b.at.getTime()).slice(-ORG_CHANGES_KEPT);
  return { _id: c.data.subscriberOrgId, changes };
}

/** A converted lead (`_id` the lead id): a license created later for that lead is linked at once. */
export interface LeadConversion {
  _id: string;
  eventId: string;
  accountId: string;
  contactId: string;
  convertedAt: string;
}

/** The conversion a `lma.lead.converted` records; null when it is recorded already. */
export function conversionOf(current: LeadConversion | null, c: Extract<LicenseChange, { kind: 'lead-converted' }>): LeadConversion | null {
  if (current?.eventId === c.id) return null;
  const { leadId, accountId, contactId, convertedAt } = c.data;
  return { _id: leadId, eventId: c.id, accountId, contactId, convertedAt };
}

/** A change to apply after creation or reinstall; `pending` when it came from the license's pending changes. */
export interface ChangeToApply {
  change: LicenseChange;
  at: number;
  pending: boolean;
}

/**
 * What applies right after a license is created (named) or reinstalled, in the order it
 * happened: the changes kept for it, the changes of its org newer than its org fields, and the
 * conversion of its lead when it is not linked to that account yet. Each is decided again on the
 * license when applied, so a change listed twice (two replicas, a redelivery) applies once.
 */
export function changesToApply(
  l: Pick<License, 'orgInfoCurrentAsOf' | 'accountId'>,
  pending: PendingChanges | null,
  orgLog: OrgChangeLog | null,
  conversion: LeadConversion | null,
): ChangeToApply[] {
  const asOf = Date.parse(l.orgInfoCurrentAsOf);
  const changes: ChangeToApply[] = [
    ...(pending?.changes ?? []).map((p) => ({ change: { kind: p.kind, id: p.eventId, data: JSON.parse(p.data) } as LicenseChange, at: p.at.getTime(), pending: true })),
    ...(orgLog?.changes ?? [])
      .filter((o) => o.at.getTime() > asOf)
      .map((o) => ({ change: { kind: 'org-changed', id: o.eventId, data: JSON.parse(o.data) } as LicenseChange, at: o.at.getTime(), pending: false })),
  ];
  if (conversion && conversion.accountId !== l.accountId) {
    const data = { leadId: conversion._id, accountId: conversion.accountId, contactId: conversion.contactId, convertedAt: conversion.convertedAt };
    changes.push({ change: { kind: 'lead-converted', id: conversion.eventId, data }, at: Date.parse(conversion.convertedAt), pending: false });
  }
  return changes.sort((a, b) => a.at - b.at);
}
