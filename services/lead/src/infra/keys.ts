import { RetryableError } from '@lma/core';
import type { Aggregates } from '@lma/store';
import { claimHeldKey, releaseHeldKey, withMember, withoutMember, type KeySet } from '../domain/keys';
import { contactEmailKey, openKeyFor, type Contact, type Lead } from '../domain/lead';
import { isStaleTeamEmail, teamEmailKey, type TeamEmailKey } from '../domain/team';
import { KeyCollection, type LeadData } from './aggregates';

/** Writes of key documents (domain/keys.ts): each through the store, by `_id`, before or after the aggregate write it goes with. */

/** Claims of a held key that can lose a race before the caller is told to try again. */
const MAX_CLAIMS = 3;

/**
 * Lets the open-lead key of a lead that stopped being Open go, after the lead's own write. A crash
 * in between leaves the key naming a lead that is not Open: the next install with that email and
 * company finds it stale and takes the key over.
 */
export async function releaseOpenKey(data: Pick<LeadData, 'openLeadKeys'>, lead: Pick<Lead, '_id' | 'email' | 'company'>): Promise<void> {
  await data.openLeadKeys.update(openKeyFor(lead.email, lead.company), (current) => {
    const next = releaseHeldKey(current, lead._id);
    return next ? { state: { ...next, pending: null } } : null;
  });
}

/** Lists a contact under its email, before the contact is written (a listed contact that was never written is skipped by readers). */
export async function listContactEmail(data: Pick<LeadData, 'contactEmails'>, contact: Pick<Contact, '_id' | 'email'>): Promise<void> {
  await addMember(data.contactEmails, contactEmailKey(contact.email), contact._id);
}

/**
 * Takes `email` for the team member `teamMemberId`, before the member is written with it: null
 * when it is theirs now, else the id of the member who has it (or is being given it). A key whose
 * holder has not had the email for longer than a change takes is stale and taken over.
 */
export async function claimTeamEmail(data: Pick<LeadData, 'teamMemberEmails' | 'teamMembers' | 'insertKey'>, email: string, teamMemberId: string, now: Date): Promise<string | null> {
  const id = teamEmailKey(email);
  const claim: TeamEmailKey = { _id: id, holder: teamMemberId, at: now };
  for (let attempt = 1; attempt <= MAX_CLAIMS; attempt++) {
    const key = await data.teamMemberEmails.get(id);
    if (!key) {
      if (await data.insertKey(KeyCollection.TeamMemberEmails, claim)) return null;
      continue;
    }
    let stale: string | null = null;
    if (key.holder && key.holder !== teamMemberId) {
      if (!isStaleTeamEmail(key, await data.teamMembers.get(key.holder), now)) return key.holder;
      stale = key.holder;
    }
    const r = await data.teamMemberEmails.update(id, (current) => {
      const next = current?.holder === teamMemberId ? null : claimHeldKey(current, claim, stale);
      return next ? { state: next, result: teamMemberId } : { result: current?.holder ?? null };
    });
    if (r.result === teamMemberId) return null;
  }
  throw new RetryableError(`team member email ${id}: claimed by others ${MAX_CLAIMS} times while ${teamMemberId} asked for it; try again`);
}

/** Lets a team member's former email go, after the member is written with the new one. */
export async function releaseTeamEmail(data: Pick<LeadData, 'teamMemberEmails'>, email: string, teamMemberId: string): Promise<void> {
  await data.teamMemberEmails.update(teamEmailKey(email), (current) => {
    const next = releaseHeldKey(current, teamMemberId);
    return current && next ? { state: { ...current, ...next } } : null;
  });
}

export async function addMember(sets: Aggregates<KeySet>, id: string, member: string): Promise<void> {
  await sets.update(id, (current) => {
    const next = withMember(current, id, member);
    return next ? { state: next } : null;
  });
}

export async function removeMember(sets: Aggregates<KeySet>, id: string, member: string): Promise<void> {
  await sets.update(id, (current) => {
    const next = withoutMember(current, member);
    return next ? { state: next } : null;
  });
}
