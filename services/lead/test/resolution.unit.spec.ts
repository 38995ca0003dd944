import { describe, expect, it } from 'vitest';
import { decideResolution, type ResolutionFacts } from '../src/domain/resolution';

const noMatches: ResolutionFacts = {
  leadOfThisSaga: null,
  routing: { leadManagerId: null, contactMatching: true },
  leadManager: null,
  contact: null,
  openLead: null,
};
const given = (facts: Partial<ResolutionFacts>): ResolutionFacts => ({ ...noMatches, ...facts });

const managed = { routing: { leadManagerId: 'lm-ada', contactMatching: true }, leadManager: { active: true } };
const contact = { _id: 'contact_1', accountId: 'account_1', ownerId: 'rep-bob' };
const openLead = { _id: 'lead_open', ownerId: 'lm-carol' };

describe('decideResolution (duplicate rules)', () => {
  it('given a package without a lead manager and no matches, when resolving, then a new lead owned by LMA is created', () => {
    expect(decideResolution(given({}))).toEqual({ kind: 'create', ownerId: 'lma' });
  });

  it('given an active lead manager and no matches, when resolving, then a new lead owned by the lead manager is created', () => {
    expect(decideResolution(given(managed))).toEqual({ kind: 'create', ownerId: 'lm-ada' });
  });

  it('given a lead manager missing from the directory, when resolving, then the step parks with lead-manager-missing', () => {
    const r = decideResolution(given({ routing: { leadManagerId: 'lm-ghost', contactMatching: true }, leadManager: null }));
    expect(r).toMatchObject({ kind: 'parked', reason: 'lead-manager-missing' });
    expect(r.kind === 'parked' && r.detail).toContain('lm-ghost');
  });

  it('given an inactive lead manager, when resolving, then the step parks with lead-manager-inactive', () => {
    const r = decideResolution(given({ routing: { leadManagerId: 'lm-ada', contactMatching: true }, leadManager: { active: false } }));
    expect(r).toMatchObject({ kind: 'parked', reason: 'lead-manager-inactive' });
    expect(r.kind === 'parked' && r.detail).toContain('lm-ada');
  });

  it('given an inactive lead manager and a matching contact, when resolving, then the step still parks (routing is checked first)', () => {
    const r = decideResolution(given({ routing: { leadManagerId: 'lm-ada', contactMatching: true }, leadManager: { active: false }, contact }));
    expect(r).toMatchObject({ kind: 'parked', reason: 'lead-manager-inactive' });
  });

  it('given a contact with the installer email and contact matching on, when resolving, then no lead: the contact and its account answer', () => {
    expect(decideResolution(given({ ...managed, contact, openLead }))).toEqual({
      kind: 'resolved',
      lead: { leadId: null, contactId: 'contact_1', accountId: 'account_1', created: false, ownerId: 'rep-bob', matchedBy: 'existing-contact' },
    });
  });

  it('given a contact with the installer email but contact matching off, when resolving, then a new lead is created', () => {
    const r = decideResolution(given({ routing: { leadManagerId: null, contactMatching: false }, contact }));
    expect(r).toEqual({ kind: 'create', ownerId: 'lma' });
  });

  it('given contact matching off and an open lead with the same email and company, when resolving, then that lead is reused', () => {
    const r = decideResolution(given({ routing: { leadManagerId: null, contactMatching: false }, contact, openLead }));
    expect(r).toMatchObject({ kind: 'resolved', lead: { leadId: 'lead_open', matchedBy: 'existing-lead', created: false } });
  });

  it('given an open lead with the same email and company, when resolving, then it is reused with its own owner and not created', () => {
    expect(decideResolution(given({ ...managed, openLead }))).toEqual({
      kind: 'resolved',
      lead: { leadId: 'lead_open', contactId: null, accountId: null, created: false, ownerId: 'lm-carol', matchedBy: 'existing-lead' },
    });
  });

  it('given this saga already created its lead, when the command comes again, then the same lead answers as created, whatever changed since', () => {
    const own = { _id: 'lead_mine', ownerId: 'lm-ada', convertedAccountId: null, convertedContactId: null };
    const since = { routing: { leadManagerId: 'lm-ada', contactMatching: true }, leadManager: { active: false }, contact, openLead: { _id: 'lead_mine', ownerId: 'lm-ada' } };
    expect(decideResolution(given({ ...since, leadOfThisSaga: own }))).toEqual({
      kind: 'resolved',
      lead: { leadId: 'lead_mine', contactId: null, accountId: null, created: true, ownerId: 'lm-ada', matchedBy: 'new-lead' },
    });
  });

  it('given this saga created a lead that was converted since, when the command comes again, then the answer carries its contact and account', () => {
    const own = { _id: 'lead_mine', ownerId: 'lm-ada', convertedAccountId: 'account_9', convertedContactId: 'contact_9' };
    expect(decideResolution(given({ leadOfThisSaga: own }))).toMatchObject({
      kind: 'resolved',
      lead: { leadId: 'lead_mine', contactId: 'contact_9', accountId: 'account_9', created: true },
    });
  });
});
