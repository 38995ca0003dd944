import type { LeadResolvedV1, ParkReason } from '@lma/contracts';
import { LMA_OWNER_ID, type Contact, type Lead } from './lead';
import { leadManagerProblem, type Routing, type TeamMember } from './team';

/** What the duplicate rules look at for one ResolveLead command. */
export interface ResolutionFacts {
  /** The lead this saga created on an earlier delivery of its command, if any. */
  leadOfThisSaga: Pick<Lead, '_id' | 'ownerId' | 'convertedAccountId' | 'convertedContactId'> | null;
  routing: Routing;
  /** The member the routing names, or null when absent from the directory (or none is named). */
  leadManager: Pick<TeamMember, 'active'> | null;
  /** A contact with the installer's email. */
  contact: Pick<Contact, '_id' | 'accountId' | 'ownerId'> | null;
  /** An Open lead with the installer's email and company. */
  openLead: Pick<Lead, '_id' | 'ownerId'> | null;
}

export type ResolvedLead = Omit<LeadResolvedV1, 'sagaId' | 'commandId'>;

export type Resolution =
  | { kind: 'parked'; reason: ParkReason; detail: string }
  | { kind: 'resolved'; lead: ResolvedLead }
  | { kind: 'create'; ownerId: string };

/**
 * The duplicate rules, in order:
 * 0. a lead this saga already created answers again (redelivery, re-sent command): nothing new;
 * 1. a lead manager that is missing from the directory or inactive parks the step (fixable);
 * 2. with contact matching on, a contact with the installer's email means no lead;
 * 3. an Open lead with the same email and company is reused;
 * 4. otherwise a new lead, owned by the lead manager or, without one, by LMA.
 */
export function decideResolution(facts: ResolutionFacts): Resolution {
  const own = facts.leadOfThisSaga;
  if (own) return { kind: 'resolved', lead: newLeadResolved(own) };
  const managerId = facts.routing.leadManagerId;
  if (managerId !== null) {
    const problem = leadManagerProblem(managerId, facts.leadManager);
    if (problem) return { kind: 'parked', ...problem };
  }
  if (facts.routing.contactMatching && facts.contact) {
    const c = facts.contact;
    return {
      kind: 'resolved',
      lead: { leadId: null, contactId: c._id, accountId: c.accountId, created: false, ownerId: c.ownerId, matchedBy: 'existing-contact' },
    };
  }
  if (facts.openLead) {
    const l = facts.openLead;
    return { kind: 'resolved', lead: { leadId: l._id, contactId: null, accountId: null, created: false, ownerId: l.ownerId, matchedBy: 'existing-lead' } };
  }
  return { kind: 'create', ownerId: managerId ?? LMA_OWNER_ID };
}

/** The answer for a lead the asking saga created (only then may that saga withdraw it). */
export function newLeadResolved(lead: Pick<Lead, '_id' | 'ownerId' | 'convertedAccountId' | 'convertedContactId'>): ResolvedLead {
  return {
    leadId: lead._id,
    contactId: lead.convertedContactId ?? null,
    accountId: lead.convertedAccountId ?? null,
    created: true,
    ownerId: lead.ownerId,
    matchedBy: 'new-lead',
  };
}
