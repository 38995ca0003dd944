import { createHash } from 'node:crypto';
import type { Installer } from '@lma/contracts';

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
   * `openKeyFor(email, company)` while the lead is Open, its own id afterwards. A unique index on
   * it makes "one open lead per email and company" an insert that only one writer can win, on
   * every replica (a query-then-insert could not).
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

export type ConversionTarget = { kind: 'existing-account'; account: Account } | { kind: 'new-account'; name?: string | undefined };

export type ConversionPlan =
  | { ok: false; reason: string }
  | { ok: true; account: Account; newAccount: boolean; contact: Contact; set: Pick<Lead, 'status' | 'convertedAccountId' | 'convertedContactId' | 'convertedAt' | 'openKey' | 'updatedAt'> };

/**
 * Converting an open lead: a contact from its person fields, in an existing account or a new one
 * named after the company (or as asked). The lead keeps its name and stops being open.
 */
export function planConversion(lead: Lead, target: ConversionTarget, now: Date): ConversionPlan {
  if (lead.status !== 'Open') return { ok: false, reason: `Lead ${lead._id} is ${lead.status}; only an Open lead can be converted` };
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
