import { describe, expect, it } from 'vitest';
import { createBody, emptyRule, formFieldOf, generateSecret, patchBody, validateRule, valuesOf, type Rule, type RuleValues } from '../src/alerts/ruleForm';

const SECRET_A = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;
const SECRET_B = `whsec_${Buffer.alloc(32, 2).toString('base64')}`;
const rule: Rule = {
  ruleId: 'nr_000000000000000000000001',
  name: 'Renewals',
  kind: 'license-expiring',
  packageId: null,
  enabled: true,
  stages: [30, 7],
  parkedMinutes: null,
  recipients: { emails: ['renewals@vendor.example'], roles: [], teamMemberIds: [], leadManager: false, webhooks: [{ id: 'crm', url: 'https://crm.vendor.example/lma', secretHints: [`…${SECRET_A.slice(-4)}`] }] },
  subject: '{{licenseName}} expires in {{daysLeft}} days',
  body: '{{licenseUrl}}',
  revision: 3,
  createdAt: '2026-12-01T00:00:00Z',
  createdBy: 'ada',
  updatedAt: '2026-12-01T00:00:00Z',
  updatedBy: 'ada',
};
const edit = (change: (v: RuleValues) => void): RuleValues => {
  const v = structuredClone(valuesOf(rule));
  change(v);
  return v;
};

describe('the notification rule form', () => {
  it('a new rule: the default stages, a recipient required, stages whole days 1..365 without repeats', () => {
    const v = { ...emptyRule(), name: 'Renewals', subject: 's', body: 'b' };
    expect(validateRule(v)).toEqual({ recipients: expect.stringContaining('at least one recipient') });
    v.emails = ['ops@vendor.example'];
    expect(validateRule(v)).toEqual({});
    expect(createBody(v)).toMatchObject({ kind: 'license-expiring', stages: [30, 7], packageId: null, recipients: { emails: ['ops@vendor.example'], webhooks: [] } });
    expect(validateRule({ ...v, stages: ['0'] })['stages']).toMatch(/1 to 365/);
    expect(validateRule({ ...v, stages: ['7', '7'] })['stages']).toMatch(/twice/);
    expect(validateRule({ ...v, emails: ['nobody'] })['emails']).toMatch(/nobody is not an email address/);
    // stages belong to expiry rules only; a parked onboarding needs its minutes
    const parked = { ...v, kind: 'onboarding-parked' as const, parkedMinutes: '' };
    expect(validateRule(parked)['parkedMinutes']).toBeDefined();
    expect(createBody({ ...parked, parkedMinutes: 30 })).not.toHaveProperty('stages');
  });

  it('a generated secret is a Standard Webhooks secret the form accepts', () => {
    const secret = generateSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(generateSecret()).not.toBe(secret);
    const v = { ...emptyRule(), name: 'n', subject: 's', body: 'b', webhooks: [{ id: 'crm', url: 'https://crm.example/x', secrets: [{ hint: null, value: secret }] }] };
    expect(validateRule(v)).toEqual({});
  });

  it('an edit sends only what changed, with the recipients whole only when one of them changed', () => {
    expect(patchBody(rule, valuesOf(rule))).toEqual({});
    expect(patchBody(rule, edit((v) => (v.subject = 'Soon: {{licenseName}}')))).toEqual({ subject: 'Soon: {{licenseName}}' });
    expect(patchBody(rule, edit((v) => (v.stages = ['14'])))).toEqual({ stages: [14] });
    expect(patchBody(rule, edit((v) => (v.enabled = false)))).toEqual({ enabled: false });
  });

  it('a change of recipients keeps each held secret by its hint: nothing to paste', () => {
    const more = edit((v) => v.emails.push('ops@vendor.example'));
    expect(validateRule(more)).toEqual({});
    expect(patchBody(rule, more).recipients).toEqual({
      emails: ['renewals@vendor.example', 'ops@vendor.example'],
      roles: [],
      teamMemberIds: [],
      leadManager: false,
      webhooks: [{ id: 'crm', url: 'https://crm.vendor.example/lma', secrets: [{ keep: SECRET_A.slice(-4) }] }],
    });
  });

  it('rotation: a new secret beside the old one sends both, new first; dropping the old one keeps the new alone', () => {
    const rotated = edit((v) => v.webhooks[0]!.secrets.unshift({ hint: null, value: SECRET_B }));
    expect(validateRule(rotated)).toEqual({});
    expect(patchBody(rule, rotated).recipients?.webhooks).toEqual([{ id: 'crm', url: 'https://crm.vendor.example/lma', secrets: [SECRET_B, { keep: SECRET_A.slice(-4) }] }]);

    const both: Rule = { ...rule, recipients: { ...rule.recipients, webhooks: [{ ...rule.recipients.webhooks[0]!, secretHints: [`…${SECRET_B.slice(-4)}`, `…${SECRET_A.slice(-4)}`] }] } };
    const v = structuredClone(valuesOf(both));
    v.webhooks[0]!.secrets.splice(1, 1);
    expect(validateRule(v)).toEqual({});
    expect(patchBody(both, v).recipients?.webhooks).toEqual([{ id: 'crm', url: 'https://crm.vendor.example/lma', secrets: [{ keep: SECRET_B.slice(-4) }] }]);
    // more than 3 secrets is refused before sending
    v.webhooks[0]!.secrets = [SECRET_A, SECRET_B, SECRET_A, SECRET_B].map((value) => ({ hint: null, value }));
    expect(validateRule(v)['webhooks.0.secrets']).toMatch(/At most 3/);
    // two held secrets with one hint cannot be kept apart
    const twins: Rule = { ...rule, recipients: { ...rule.recipients, webhooks: [{ ...rule.recipients.webhooks[0]!, secretHints: ['…abcd', '…abcd'] }] } };
    expect(validateRule(valuesOf(twins))).toEqual({ 'webhooks.0.secrets.1': expect.stringContaining('Another held secret also ends …abcd') });
  });

  it("puts the API's refusal under the field it names", () => {
    expect(formFieldOf('body.subject')).toBe('subject');
    expect(formFieldOf('body.stages.2')).toBe('stages');
    expect(formFieldOf('body.recipients.teamMemberIds.1')).toBe('teamMemberIds');
    expect(formFieldOf('body.recipients')).toBe('recipients');
    expect(formFieldOf('body.recipients.webhooks.0.url')).toBe('webhooks.0.url');
    expect(formFieldOf('body.recipients.webhooks.1.secrets.0')).toBe('webhooks.1.secrets.0');
    expect(formFieldOf('body.kind')).toBeNull();
  });
});
