import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { afterFailure, backoffMs, messageId, webhookMessageId } from '../src/domain/delivery';
import { stretchStart } from '../src/domain/licenseState';
import { notificationId, validateRule, type Recipients } from '../src/domain/rules';
import { signatureHeader } from '../src/domain/signature';
import { daysLeft, dueStage, stageDueAt } from '../src/domain/stages';
import { placeholders, render, validateTemplate } from '../src/domain/templates';

describe('templates', () => {
  it('renders the license fields and leaves unknown values empty', () => {
    expect(render('{{licenseName}} of {{ company }} expires {{expiresOn}} ({{seats}} seats)', { licenseName: 'L-000042', company: 'Acme', expiresOn: '2026-12-01', seats: null })).toBe(
      'L-000042 of Acme expires 2026-12-01 (unlimited seats)',
    );
    expect(placeholders('{{a}} {{ b }} {{a}}')).toEqual(['a', 'b', 'a']);
  });

  it('rejects unknown placeholders, naming the field and the placeholder', () => {
    const errors = validateTemplate('Hello {{licenseName}} {{nope}}', 'license-uninstalled', 'body.subject');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.field).toBe('body.subject');
    expect(errors[0]!.reason).toContain('{{nope}}');
    // a field of another kind is unknown here
    expect(validateTemplate('{{daysLeft}}', 'license-uninstalled', 'body.body')[0]!.reason).toContain('{{daysLeft}}');
    expect(validateTemplate('{{daysLeft}} days', 'license-expiring', 'body.body')).toEqual([]);
    expect(validateTemplate('broken {{licenseName', 'license-expiring', 'body.body')[0]!.reason).toContain('unclosed');
  });
});

describe('expiry stages', () => {
  const at = (s: string) => new Date(s);
  it('fires a stage from midnight UTC that many days before the expiration date', () => {
    expect(stageDueAt('2026-03-31', 7).toISOString()).toBe('2026-03-24T00:00:00.000Z');
    expect(dueStage('2026-03-31', [30, 7], at('2026-03-01T00:00:00Z'), 3)).toBe(30);
    expect(dueStage('2026-03-31', [30, 7], at('2026-02-28T23:59:59Z'), 3)).toBeNull();
    expect(dueStage('2026-03-31', [30, 7], at('2026-03-24T00:00:01Z'), 3)).toBe(7);
  });

  it('catches up with the stage closest to expiry, up to the cut-off after expiry', () => {
    // a license created 5 days before it expires: the 7-day alert only
    expect(dueStage('2026-03-31', [30, 7], at('2026-03-26T10:00:00Z'), 3)).toBe(7);
    expect(dueStage('2026-03-31', [30, 7], at('2026-04-02T10:00:00Z'), 3)).toBe(7);
    expect(dueStage('2026-03-31', [30, 7], at('2026-04-03T00:00:00Z'), 3)).toBeNull();
    expect(dueStage(null, [30, 7], at('2026-04-03T00:00:00Z'), 3)).toBeNull();
    expect(daysLeft('2026-03-31', at('2026-03-24T00:00:00Z'))).toBe(7);
  });
});

describe('webhook signature (Standard Webhooks)', () => {
  const body = JSON.stringify({ id: 'n_1', kind: 'license-uninstalled' });
  const oldSecret = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;
  const newSecret = `whsec_${Buffer.alloc(24, 2).toString('base64')}`;
  const nowSeconds = () => String(Math.floor(Date.now() / 1000));
  const headersOf = (secrets: string[], id: string, ts: string) => ({ 'webhook-id': id, 'webhook-timestamp': ts, 'webhook-signature': signatureHeader(secrets, id, ts, body) });

  it('signs id.timestamp.body once per active secret, and a standardwebhooks receiver on either secret accepts it', () => {
    const headers = headersOf([oldSecret, newSecret], 'n_1', nowSeconds());
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}= v1,[A-Za-z0-9+/]{43}=$/);
    expect(new Webhook(oldSecret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(new Webhook(newSecret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(`whsec_${Buffer.alloc(32, 3).toString('base64')}`).verify(body, headers)).toThrow(WebhookVerificationError);
  });

  it('is rejected for a changed body, another webhook-id or a stale timestamp', () => {
    const receiver = new Webhook(newSecret);
    const ts = nowSeconds();
    const headers = headersOf([newSecret], 'n_1', ts);
    expect(() => receiver.verify(body.replace('n_1', 'n_2'), headers)).toThrow(WebhookVerificationError);
    expect(() => receiver.verify(body, { ...headers, 'webhook-id': 'n_2' })).toThrow(WebhookVerificationError);
    const stale = String(Number(ts) - 301);
    expect(() => receiver.verify(body, headersOf([newSecret], 'n_1', stale))).toThrow(/too old/);
  });

  it('signs with a secret saved before the whsec_ form as the key whsec_<base64 of that secret>', () => {
    const saved = 'whsec-2025-crm-0123456789';
    const headers = headersOf([saved], 'n_1', nowSeconds());
    expect(new Webhook(`whsec_${Buffer.from(saved).toString('base64')}`).verify(body, headers)).toEqual(JSON.parse(body));
    expect(new Webhook(saved, { format: 'raw' }).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('keeps webhook-id across the retries of a round and changes it for a manual resend', () => {
    expect(webhookMessageId('n_ab', 0)).toBe('n_ab');
    expect(webhookMessageId('n_ab', 2)).toBe('n_ab.r2');
  });
});

describe('rules', () => {
  const recipients: Recipients = { teamMemberIds: ['ada'], roles: [], leadManager: false, emails: [], webhooks: [] };
  const rule = { kind: 'license-expiring' as const, stages: [30, 7], parkedMinutes: null, recipients, subject: '{{licenseName}}', body: '{{daysLeft}} days' };

  it('accepts a valid rule', () => {
    expect(validateRule(rule, () => true)).toEqual([]);
  });

  it('names each invalid field', () => {
    const errors = validateRule({ ...rule, stages: [7, 7, 400], subject: '{{bogus}}', recipients: { ...recipients, teamMemberIds: ['ada', 'ghost'] } }, (id) => id === 'ada');
    const fields = errors.map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['body.subject', 'body.stages', 'body.stages.2', 'body.recipients.teamMemberIds.1']));
    expect(validateRule({ ...rule, recipients: { ...recipients, teamMemberIds: [] } }, () => true).map((e) => e.field)).toEqual(['body.recipients']);
  });

  it('derives one notification id per rule, occasion and target', () => {
    const a = notificationId('nr_1', 'expiring:L1:2026-03-31:7', 'email');
    expect(a).toMatch(/^n_[0-9a-f]{32}$/);
    expect(notificationId('nr_1', 'expiring:L1:2026-03-31:7', 'email')).toBe(a);
    expect(notificationId('nr_1', 'expiring:L1:2026-04-30:7', 'email')).not.toBe(a);
    expect(notificationId('nr_1', 'expiring:L1:2026-03-31:7', 'webhook:crm')).not.toBe(a);
  });
});

describe('delivery', () => {
  const policy = { maxAttempts: 4, initialMs: 1000, maxMs: 5000 };
  it('backs off exponentially up to a cap, then fails', () => {
    expect([1, 2, 3, 4, 5].map((a) => backoffMs(a, policy))).toEqual([1000, 2000, 4000, 5000, 5000]);
    const now = new Date('2026-01-01T00:00:00Z');
    expect(afterFailure(2, now, policy)).toEqual({ status: 'pending', nextAttemptAt: new Date(now.getTime() + 2000) });
    expect(afterFailure(4, now, policy)).toEqual({ status: 'failed', nextAttemptAt: null });
  });

  it('keeps the Message-ID across retries and changes it for a manual resend', () => {
    expect(messageId('n_ab', 0, 'x.local')).toBe('<n_ab@x.local>');
    expect(messageId('n_ab', 2, 'x.local')).toBe('<n_ab.r2@x.local>');
  });

  it('keys an uninstall by the revision it began at, across redeliveries and later events', () => {
    expect(stretchStart(null, { status: 'Uninstalled', revision: 5 }, 'Uninstalled')).toBe(5);
    expect(stretchStart({ status: 'Uninstalled', revision: 5, since: 5 }, { status: 'Uninstalled', revision: 5 }, 'Uninstalled')).toBe(5);
    expect(stretchStart({ status: 'Uninstalled', revision: 5, since: 5 }, { status: 'Uninstalled', revision: 6 }, 'Uninstalled')).toBe(5);
    expect(stretchStart({ status: 'Active', revision: 6, since: null }, { status: 'Uninstalled', revision: 7 }, 'Uninstalled')).toBe(7);
    expect(stretchStart({ status: 'Uninstalled', revision: 7, since: 7 }, { status: 'Active', revision: 8 }, 'Uninstalled')).toBeNull();
  });
});
