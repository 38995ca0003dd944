import { describe, expect, it } from 'vitest';
import { claimHeldKey, releaseHeldKey, withMember, withoutMember, type HeldKey } from '../src/domain/keys';

const claim: HeldKey = { _id: 'ada@example.com|engines', holder: 'lead_mine' };

describe('held keys (one holder at a time)', () => {
  it('given no key yet, when claimed, then the claimant holds it', () => {
    expect(claimHeldKey(null, claim, null)).toEqual(claim);
  });

  it('given a released key, when claimed, then the claimant holds it', () => {
    expect(claimHeldKey({ _id: claim._id, holder: null }, claim, null)).toEqual(claim);
  });

  it('given a key held by another, when claimed, then the claim loses', () => {
    expect(claimHeldKey({ _id: claim._id, holder: 'lead_other' }, claim, null)).toBeNull();
  });

  it('given a key whose holder was found stale, when claimed, then the claimant takes it over', () => {
    expect(claimHeldKey({ _id: claim._id, holder: 'lead_withdrawn' }, claim, 'lead_withdrawn')).toEqual(claim);
  });

  it('given a stale holder already replaced by another writer, when claimed, then the claim loses to the new holder', () => {
    expect(claimHeldKey({ _id: claim._id, holder: 'lead_faster' }, claim, 'lead_withdrawn')).toBeNull();
  });

  it('given a key held by a lead, when that lead lets it go, then nobody holds it; when another asks to release it, then nothing changes', () => {
    expect(releaseHeldKey({ _id: claim._id, holder: 'lead_mine' }, 'lead_mine')).toEqual({ _id: claim._id, holder: null });
    expect(releaseHeldKey({ _id: claim._id, holder: 'lead_next' }, 'lead_mine')).toBeNull();
    expect(releaseHeldKey(null, 'lead_mine')).toBeNull();
  });
});

describe('key sets (several members)', () => {
  it('given no set, when a member is added, then it lists that member', () => {
    expect(withMember(null, 'ada@example.com', 'contact_1')).toEqual({ _id: 'ada@example.com', ids: ['contact_1'] });
  });

  it('given a set, when a member is added again, then nothing is written; when another is added, then both are listed in order', () => {
    const set = { _id: 'leadId:lead_1', ids: ['lic_1'] };
    expect(withMember(set, set._id, 'lic_1')).toBeNull();
    expect(withMember(set, set._id, 'lic_2')).toEqual({ _id: set._id, ids: ['lic_1', 'lic_2'] });
  });

  it('given a set, when a listed member is removed, then it is gone; when an unlisted one is, then nothing is written', () => {
    const set = { _id: 'leadId:lead_1', ids: ['lic_1', 'lic_2'] };
    expect(withoutMember(set, 'lic_1')).toEqual({ _id: set._id, ids: ['lic_2'] });
    expect(withoutMember(set, 'lic_9')).toBeNull();
    expect(withoutMember(null, 'lic_1')).toBeNull();
  });
});
