import { describe, expect, it } from 'vitest';
import { attentionMatches, attentionOf } from '../src/domain/attention';
import { describeAttention } from '../src/domain/diagnostics';
import { examplePackageInstalled } from '@lma/contracts';
import { applyReply, resume } from '../src/domain/onboarding';
import { at, moved, parkedOnLead, started } from './sagaFixtures';

describe('attentionOf', () => {
  it('given a saga under way, then it needs no attention', () => {
    expect(attentionOf(started())).toBeNull();
  });

  it('given a parked saga, then it is listed as parked since it parked, with its reason and step shown', () => {
    const saga = parkedOnLead();
    expect(attentionOf(saga)).toEqual({ _id: saga._id, state: 'parked', since: at(1_000), packageId: saga.packageId, subscriberOrgId: saga.subscriberOrgId });
    expect(describeAttention(saga)).toMatchObject({
      state: 'parked',
      reason: 'lead-manager-inactive',
      step: 'resolve-lead',
      since: at(1_000).toISOString(),
      installEventId: 'evt-1',
      orgName: examplePackageInstalled.org.name,
    });
    expect(describeAttention(saga).resumesOn).toMatch(/lead manager/);
  });

  it('given a parked saga that resumed, then its record no longer matches it', () => {
    const saga = parkedOnLead();
    const record = attentionOf(saga)!;
    const resumed = moved(saga, resume(saga, at(2_000), 'retried'));
    expect(attentionOf(resumed)).toBeNull();
    expect(attentionMatches(record, resumed)).toBe(false);
    expect(attentionMatches(record, saga)).toBe(true);
  });

  it('given a failed saga, then it is listed as failed when it failed, with the failure and its step', () => {
    const saga = started();
    const lead = { leadId: null, contactId: 'contact-1', accountId: 'account-1', created: false, ownerId: 'user-1', matchedBy: 'email' };
    const awaiting = moved(saga, applyReply(saga, { kind: 'lead-resolved', commandId: saga.pendingCommandId!, lead }, at(2_000)));
    const failed = moved(awaiting, applyReply(awaiting, { kind: 'license-failed', commandId: awaiting.pendingCommandId!, reason: 'installer email refused' }, at(3_000)));
    expect(failed.state).toBe('failed');
    expect(attentionOf(failed)).toMatchObject({ state: 'failed', since: at(3_000) });
    expect(describeAttention(failed)).toMatchObject({ state: 'failed', reason: 'installer email refused', step: 'create-license', resumesOn: null });
  });
});
