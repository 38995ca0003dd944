import { createHash } from 'node:crypto';
import type { Installer, TopicEvent } from '@lma/contracts';
import type { HeldKey } from './keys';

/** Owner of leads whose package has no lead manager: LMA itself. */
export const LMA_OWNER_ID = 'lma';
export const PACKAGE_INSTALLATION = 'Package Installation';

export const LEAD_STATUSES = ['Open', 'Converted', 'Withdrawn'] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];

export interface Lead {
  _id: string;
  firstName: string;
  lastName: string;
  company: string;
  /** Lowercased: duplicate rules match on it. */
  email: string;
  phone: string | null;
  country: string | null;
  state: string | null;
  leadSource: string;
  ownerId: string;
  status: LeadStatus;
  packageId: string;
  subscriberOrgId: string;
  orgName: string;
  createdBySagaId: string;
  /**
   * `openKeyFor(email, company)` while the lead is Open, its own id afterwards: the open-lead key
   * (`OpenLeadKey`) it holds while Open.
   */
  openKey: string;
  convertedAccountId: string | null;
  convertedContactId: string | null;
  convertedAt: Date | null;
  withdrawnAt: Date | null;
  withdrawnReason: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface Contact {
  _id: string;
  firstName: string;
  lastName: string;
  email: string;
  phone: string | null;
  country: string | null;
  state: string | null;
  accountId: string;
  ownerId: string;
  /** The lead this contact was converted from. */
  leadId: string;
  createdAt: Date;
}

export interface Account {
  _id: string;
  name: string;
  ownerId: string;
  createdAt: Date;
}

const digest = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, 24);

/** One lead per saga at most: a redelivered or re-sent ResolveLead finds the lead it created. */
export const leadIdFor = (sagaId: string): string => `lead_${digest(sagaId)}`;
/** Contact and new account of a conversion derive from the lead, so a retried conversion reuses them. */
export const contactIdFor = (leadId: string): string => `contact_${leadId.replace(/^lead_/, '')}`;
export const accountIdFor = (leadId: string): string => `account_${leadId.replace(/^lead_/, '')}`;

export const LEAD_ID = /^lead_[0-9a-f]{24}$/;
export const CONTACT_ID = /^contact_[0-9a-f]{24}$/;
export const ACCOUNT_ID = /^account_[0-9a-f]{24}$/;

export const normalizeEmail = (email: string): string => email.trim().toLowerCase();
export const openKeyFor = (email: string, company: string): string => `${normalizeEmail(email)}|${company.trim().toLowerCase()}`;

export interface NewLeadInput {
  sagaId: string;
  packageId: string;
  subscriberOrgId: string;
  orgName: string;
  installer: Installer;
}

/** The lead an install creates: the installer's person fields, source Package Installation. */
export function newLead(input: NewLeadInput, ownerId: string, now: Date): Lead {
  const { installer } = input;
  const email = normalizeEmail(installer.email);
  return {
    _id: leadIdFor(input.sagaId),
    firstName: installer.firstName,
    lastName: installer.lastName,
    company: installer.company,
    email,
    phone: installer.phone ?? null,
    country: installer.country ?? null,
    state: installer.state ?? null,
    leadSource: PACKAGE_INSTALLATION,
    ownerId,
    status: 'Open',
    packageId: input.packageId,
    subscriberOrgId: input.subscriberOrgId,
    orgName: input.orgName,
    createdBySagaId: input.sagaId,
    openKey: openKeyFor(email, installer.company),
    convertedAccountId: null,
    convertedContactId: null,
    convertedAt: null,
    withdrawnAt: null,
    withdrawnReason: null,
    createdAt: now,
    updatedAt: now,
  };
}

/** Withdrawal undoes only what the asking saga did: its own lead, while nobody has used it further. */
export function mayWithdraw(lead: Pick<Lead, 'createdBySagaId' | 'status'> | null, sagaId: string): boolean {
  return lead !== null && lead.createdBySagaId === sagaId && lead.status === 'Open';
}

/** The lead withdrawn by the saga that created it; null when that saga may not (see mayWithdraw). */
export function withdrawnLead(lead: Lead | null, sagaId: string, reason: string, now: Date): Lead | null {
  if (!lead || !mayWithdraw(lead, sagaId)) return null;
  return { ...lead, status: 'Withdrawn', withdrawnAt: now, withdrawnReason: reason, openKey: lead._id, updatedAt: now };
}

/**
 * "One Open lead per email and company": the key document `_id` = `openKeyFor(email, company)`,
 * taken before the lead is inserted and let go when it is withdrawn or converted. It carries the
 * lead as decided, with its events, until the lead exists: whoever finds the key before the lead
 * (a concurrent install, a redelivery after a crash) finishes that insert instead of waiting.
 */
export interface OpenLeadKey extends HeldKey {
  pending?: PendingLead | null;
}
export interface PendingLead {
  lead: Lead;
  events: TopicEvent[];
}

export const openLeadKeyOf = (pending: PendingLead): OpenLeadKey => ({ _id: pending.lead.openKey, holder: pending.lead._id, pending });

/** Whether `lead` is the Open lead of `key` (a key pointing at anything else is stale). */
export const holdsOpenKey = (lead: Pick<Lead, 'status' | 'email' | 'company'> | null, key: string): boolean =>
  lead !== null && lead.status === 'Open' && openKeyFor(lead.email, lead.company) === key;

/** The insert a key still waits for: its holder's lead as decided, if the key carries it. */
export const pendingInsertOf = (key: OpenLeadKey | null): PendingLead | null =>
  key?.holder && key.pending?.lead._id === key.holder ? key.pending : null;

/** The contacts with one email: the key document `_id` = the normalized email (a KeySet of contact ids). */
export const contactEmailKey = (email: string): string => normalizeEmail(email);

/** The contact a duplicate rule matches: of those listed under the email that still have it, the first by id. */
export function contactWithEmail<C extends Pick<Contact, '_id' | 'email'>>(listed: (C | null)[], email: string): C | null {
  const key = normalizeEmail(email);
  const matching = listed.filter((c): c is C => c !== null && normalizeEmail(c.email) === key);
  return matching.sort((a, b) => (a._id < b._id ? -1 : a._id > b._id ? 1 : 0))[0] ?? null;
}

export type ConversionTarget = { kind: 'existing-account'; account: Account } | { kind: 'new-account'; name?: string | undefined };

export type ConversionPlan =
  | { ok: false; reason: string }
  | { ok: true; account: Account; newAccount: boolean; contact: Contact; set: Pick<Lead, 'status' | 'convertedAccountId' | 'convertedContactId' | 'convertedAt' | 'openKey' | 'updatedAt'> };

/** Why a lead cannot be converted (only an Open one can), or null. */
export const conversionRefusal = (lead: Pick<Lead, '_id' | 'status'>): string | null =>
  lead.status === 'Open' ? null : `Lead ${lead._id} is ${lead.status}; only an Open lead can be converted`;

/**
 * Converting an open lead: a contact from its person fields, in an existing account or a new one
 * named after the company (or as asked). The lead keeps its name and stops being open.
 */
export function planConversion(lead: Lead, target: ConversionTarget, now: Date): ConversionPlan {
  const refusal = conversionRefusal(lead);
  if (refusal) return { ok: false, reason: refusal };
  const account: Account =
    target.kind === 'existing-account'
      ? target.account
      : { _id: accountIdFor(lead._id), name: target.name ?? lead.company, ownerId: lead.ownerId, createdAt: now };
  const contact: Contact = {
    _id: contactIdFor(lead._id),
    firstName: lead.firstName,
    lastName: lead.lastName,
    email: lead.email,
    phone: lead.phone,
    country: lead.country,
    state: lead.state,
    accountId: account._id,
    ownerId: lead.ownerId,
    leadId: lead._id,
    createdAt: now,
  };
  return {
    ok: true,
    account,
    newAccount: target.kind === 'new-account',
    contact,
    set: { status: 'Converted', convertedAccountId: account._id, convertedContactId: contact._id, convertedAt: now, openKey: lead._id, updatedAt: now },
  };
}

/**
 * The lead as its conversion writes it, linked to the contact the conversion ended with (a
 * conversion interrupted earlier may have made it, in its account); null when the lead is no
 * longer Open (withdrawn or converted meanwhile: the conversion loses).
 */
export function convertedLead(current: Lead, set: Extract<ConversionPlan, { ok: true }>['set'], contact: Pick<Contact, '_id' | 'accountId'>): Lead | null {
  if (current.status !== 'Open') return null;
  return { ...current, ...set, convertedAccountId: contact.accountId, convertedContactId: contact._id };
}
