import { describe, expect, it } from 'vitest';
import { examplePackageInstalled } from '@lma/contracts';
import {
  accountIdFor,
  contactIdFor,
  contactWithEmail,
  convertedLead,
  holdsOpenKey,
  leadIdFor,
  mayWithdraw,
  newLead,
  openKeyFor,
  openLeadKeyOf,
  pendingInsertOf,
  planConversion,
  withdrawnLead,
  type Lead,
} from '../src/domain/lead';
import { applyRoutingChange, applyTeamMemberPatch, leadManagerProblem, type TeamMember } from '../src/domain/team';

const now = new Date('2026-02-01T10:15:05Z');
const later = new Date('2026-02-03T09:00:00Z');
const cmd = {
  sagaId: 'onb:evt-1',
  packageId: examplePackageInstalled.packageId,
  subscriberOrgId: examplePackageInstalled.subscriberOrgId,
  orgName: 'Analytical Engines Ltd',
  installer: { ...examplePackageInstalled.installer, email: 'Ada@Example.COM', phone: '+44 20 7946 0000' },
};

describe('newLead', () => {
  it('given an install, when its lead is made, then it carries the installer, source Package Installation, the owner, Open, and a saga-derived id', () => {
    const lead = newLead(cmd, 'lm-ada', now);
    expect(lead).toEqual({
      _id: leadIdFor('onb:evt-1'),
      firstName: 'Ada',
      lastName: 'Lovelace',
      company: 'Analytical Engines',
      email: 'ada@example.com',
      phone: '+44 20 7946 0000',
      country: 'GB',
      state: null,
      leadSource: 'Package Installation',
      ownerId: 'lm-ada',
      status: 'Open',
      packageId: cmd.packageId,
      subscriberOrgId: cmd.subscriberOrgId,
      orgName: 'Analytical Engines Ltd',
      createdBySagaId: 'onb:evt-1',
      openKey: 'ada@example.com|analytical engines',
      convertedAccountId: null,
      convertedContactId: null,
      convertedAt: null,
      withdrawnAt: null,
      withdrawnReason: null,
      createdAt: now,
      updatedAt: now,
    });
  });

  it('given the same saga twice, when ids are derived, then they are equal; another saga gets another id', () => {
    expect(leadIdFor('onb:evt-1')).toBe(leadIdFor('onb:evt-1'));
    expect(leadIdFor('onb:evt-1')).not.toBe(leadIdFor('onb:evt-2'));
    expect(leadIdFor('onb:evt-1')).toMatch(/^lead_[0-9a-f]{24}$/);
  });

  it('given emails and companies differing only in case and spaces, when matched, then they are the same open-lead key', () => {
    expect(openKeyFor(' ADA@example.com ', 'Analytical Engines ')).toBe(openKeyFor('ada@example.com', 'analytical engines'));
    expect(openKeyFor('ada@example.com', 'Other Co')).not.toBe(openKeyFor('ada@example.com', 'Analytical Engines'));
  });
});

describe('mayWithdraw', () => {
  const lead = { createdBySagaId: 'onb:evt-1', status: 'Open' as const };
  it.each([
    ['the lead this saga created, still Open', lead, 'onb:evt-1', true],
    ['a lead another saga created (reused here)', lead, 'onb:evt-2', false],
    ['a lead converted meanwhile', { ...lead, status: 'Converted' as const }, 'onb:evt-1', false],
    ['a lead already withdrawn', { ...lead, status: 'Withdrawn' as const }, 'onb:evt-1', false],
    ['no lead at all', null, 'onb:evt-1', false],
  ])('given %s, when the saga asks to withdraw it, then withdrawal is %s', (_what, l, sagaId, expected) => {
    expect(mayWithdraw(l, sagaId)).toBe(expected);
  });
});

describe('withdrawnLead', () => {
  const open = newLead(cmd, 'lm-ada', now);
  it('given the lead this saga created, when withdrawn, then it is Withdrawn with the reason and stops holding its open-lead key', () => {
    expect(withdrawnLead(open, 'onb:evt-1', 'license failed', later)).toEqual({
      ...open,
      status: 'Withdrawn',
      withdrawnAt: later,
      withdrawnReason: 'license failed',
      openKey: open._id,
      updatedAt: later,
    });
  });
  it('given a lead another saga created, or none, when withdrawn, then nothing changes', () => {
    expect(withdrawnLead(open, 'onb:evt-2', 'license failed', later)).toBeNull();
    expect(withdrawnLead(null, 'onb:evt-1', 'license failed', later)).toBeNull();
  });
});

describe('open-lead key', () => {
  const open = newLead(cmd, 'lm-ada', now);
  const key = openKeyFor('ada@example.com', 'Analytical Engines');

  it('given a new lead, when its key is made, then the key is its email and company, held by it, carrying the insert', () => {
    const events = [{ topic: 't', id: 'e1', source: 's', type: 'x', time: now.toISOString(), key: null, data: {} }];
    const k = openLeadKeyOf({ lead: open, events });
    expect(k).toEqual({ _id: key, holder: open._id, pending: { lead: open, events } });
    expect(pendingInsertOf(k)).toEqual({ lead: open, events });
  });

  it('given a key released or held by another lead than the one it carries, when asked what insert it waits for, then none', () => {
    const pending = { lead: open, events: [] };
    expect(pendingInsertOf({ _id: key, holder: null, pending })).toBeNull();
    expect(pendingInsertOf({ _id: key, holder: 'lead_other', pending })).toBeNull();
    expect(pendingInsertOf({ _id: key, holder: open._id })).toBeNull();
    expect(pendingInsertOf(null)).toBeNull();
  });

  it('given leads, when checked against the key, then only an Open lead with that email and company (case aside) holds it', () => {
    expect(holdsOpenKey(open, key)).toBe(true);
    expect(holdsOpenKey({ ...open, email: 'ADA@example.com', company: 'analytical engines' }, key)).toBe(true);
    expect(holdsOpenKey({ ...open, status: 'Converted' }, key)).toBe(false);
    expect(holdsOpenKey({ ...open, company: 'Other Co' }, key)).toBe(false);
    expect(holdsOpenKey(null, key)).toBe(false);
  });
});

describe('contactWithEmail', () => {
  const contact = (id: string, email: string) => ({ _id: id, email });
  it('given the contacts listed under an email, when matched, then the first by id that still has it (never-written ones skipped)', () => {
    const listed = [contact('contact_b', 'ada@example.com'), null, contact('contact_a', 'Ada@Example.com'), contact('contact_0', 'other@example.com')];
    expect(contactWithEmail(listed, 'ADA@example.com ')).toEqual(contact('contact_a', 'Ada@Example.com'));
  });
  it('given nothing listed, when matched, then no contact', () => {
    expect(contactWithEmail([null], 'ada@example.com')).toBeNull();
  });
});

describe('planConversion', () => {
  const open: Lead = newLead(cmd, 'lm-ada', now);

  it('given an open lead and no account, when converted, then a contact from its person fields and a new account named after the company', () => {
    const plan = planConversion(open, { kind: 'new-account' }, later);
    expect(plan).toMatchObject({
      ok: true,
      newAccount: true,
      account: { _id: accountIdFor(open._id), name: 'Analytical Engines', ownerId: 'lm-ada', createdAt: later },
      contact: {
        _id: contactIdFor(open._id),
        firstName: 'Ada',
        lastName: 'Lovelace',
        email: 'ada@example.com',
        phone: '+44 20 7946 0000',
        country: 'GB',
        accountId: accountIdFor(open._id),
        ownerId: 'lm-ada',
        leadId: open._id,
      },
      set: { status: 'Converted', convertedAccountId: accountIdFor(open._id), convertedContactId: contactIdFor(open._id), convertedAt: later, openKey: open._id },
    });
  });

  it('given an existing account, when converted into it, then no new account and the contact belongs to it', () => {
    const account = { _id: 'account_existing', name: 'Engines Group', ownerId: 'rep-bob', createdAt: now };
    const plan = planConversion(open, { kind: 'existing-account', account }, later);
    expect(plan).toMatchObject({ ok: true, newAccount: false, account, contact: { accountId: 'account_existing' } });
  });

  it('given a requested account name, when converted, then the new account has that name', () => {
    expect(planConversion(open, { kind: 'new-account', name: 'AE Holdings' }, later)).toMatchObject({ ok: true, account: { name: 'AE Holdings' } });
  });

  it('given an open lead and the contact its conversion ended with, when written, then it is Converted and linked to that contact and its account', () => {
    const plan = planConversion(open, { kind: 'new-account' }, later);
    if (!plan.ok) throw new Error('expected a plan');
    const earlier = { _id: contactIdFor(open._id), accountId: 'account_of_an_interrupted_conversion' };
    expect(convertedLead(open, plan.set, earlier)).toMatchObject({
      status: 'Converted',
      convertedAccountId: 'account_of_an_interrupted_conversion',
      convertedContactId: earlier._id,
      convertedAt: later,
      openKey: open._id,
    });
  });

  it('given a lead withdrawn or converted meanwhile, when the conversion is written, then nothing is', () => {
    const plan = planConversion(open, { kind: 'new-account' }, later);
    if (!plan.ok) throw new Error('expected a plan');
    expect(convertedLead({ ...open, status: 'Withdrawn' }, plan.set, plan.contact)).toBeNull();
    expect(convertedLead({ ...open, status: 'Converted' }, plan.set, plan.contact)).toBeNull();
  });

  it.each(['Converted', 'Withdrawn'] as const)('given a %s lead, when converted, then it is refused with the reason', (status) => {
    const plan = planConversion({ ...open, status }, { kind: 'new-account' }, later);
    expect(plan).toEqual({ ok: false, reason: expect.stringContaining(status) });
  });
});

describe('team directory rules', () => {
  const member: TeamMember = { _id: 'lm-ada', name: 'Ada', email: 'ada@vendor.com', active: true, roles: ['lead-manager'], revision: 3, createdAt: now, updatedAt: now };

  it('given an active member, when deactivated, then the revision grows and the change must be published', () => {
    const r = applyTeamMemberPatch(member, { active: false }, later);
    expect(r).toMatchObject({ changed: true, activeChanged: true, next: { active: false, revision: 4, updatedAt: later } });
  });

  it('given a member, when only the name changes, then it is a change that need not be published', () => {
    expect(applyTeamMemberPatch(member, { name: 'Ada L.' }, later)).toMatchObject({ changed: true, activeChanged: false, next: { name: 'Ada L.', revision: 4 } });
  });

  it('given a member, when patched with what it already has, then nothing changes', () => {
    expect(applyTeamMemberPatch(member, { active: true, email: 'ADA@vendor.com', roles: ['lead-manager'] }, later)).toEqual({ next: member, changed: false, activeChanged: false });
  });

  it.each([
    ['missing', null, 'lead-manager-missing'],
    ['inactive', { active: false }, 'lead-manager-inactive'],
  ] as const)('given a %s lead manager, when checked, then the problem is %s', (_what, m, reason) => {
    expect(leadManagerProblem('lm-x', m)).toMatchObject({ reason });
  });

  it('given an active lead manager, when checked, then there is no problem', () => {
    expect(leadManagerProblem('lm-x', { active: true })).toBeNull();
  });

  it('given routing, when the same values are set, then nothing changed; when the manager is cleared, then it changed', () => {
    const current = { leadManagerId: 'lm-ada', contactMatching: true };
    expect(applyRoutingChange(current, { contactMatching: true }).changed).toBe(false);
    expect(applyRoutingChange(current, { leadManagerId: null })).toEqual({ next: { leadManagerId: null, contactMatching: true }, changed: true });
    expect(applyRoutingChange(current, { contactMatching: false })).toEqual({ next: { leadManagerId: 'lm-ada', contactMatching: false }, changed: true });
  });
});
