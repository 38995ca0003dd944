import { describe, expect, it } from 'vitest';
import { answeredCommand } from '../src/domain/commands';
import { leadLicensesKey, orgLicensesKey, withMember } from '../src/domain/keys';

describe('the licenses of an org and of a lead', () => {
  it('given no key yet, when a license is listed, then the key names it', () => {
    expect(withMember(null, orgLicensesKey('org-1'), 'lic_a')).toEqual({ _id: 'subscriberOrgId:org-1', ids: ['lic_a'] });
  });

  it('given a listed license, when it is listed again (a redelivered command), then nothing is written', () => {
    const key = withMember(null, leadLicensesKey('lead-1'), 'lic_a');
    expect(withMember(key, 'leadId:lead-1', 'lic_a')).toBeNull();
    expect(withMember(key, 'leadId:lead-1', 'lic_b')?.ids).toEqual(['lic_a', 'lic_b']);
  });
});

describe('answered commands', () => {
  it('given a command answered before, when it is answered again, then the answers are counted and the latest reply type kept', () => {
    const now = new Date('2026-05-01T12:00:00Z');
    const first = answeredCommand(null, 'cmd-1', 'parked', now);
    expect(answeredCommand(first, 'cmd-1', 'failed', now)).toEqual({ _id: 'cmd-1', replyType: 'failed', answers: 2, answeredAt: now });
  });
});
