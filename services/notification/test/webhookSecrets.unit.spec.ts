import { describe, expect, it } from 'vitest';
import { CreateNotificationRuleBody } from '@lma/api';
import { resolveWebhookSecrets } from '../src/domain/webhookSecrets';

const A = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;
const B = `whsec_${Buffer.alloc(32, 2).toString('base64')}`;
const held = [{ id: 'crm', url: 'https://crm.example/old', secrets: [A, B] }];
const url = 'https://crm.example/new';

describe('webhook secrets kept by their hint', () => {
  it('given held secrets, when a change keeps one by its hint (with or without …), then that secret stays beside the new ones, in the order sent', () => {
    const { webhooks, errors } = resolveWebhookSecrets([{ id: 'crm', url, secrets: [B, { keep: `…${A.slice(-4)}` }] }], held);
    expect(errors).toEqual([]);
    expect(webhooks).toEqual([{ id: 'crm', url, secrets: [B, A] }]);
    expect(resolveWebhookSecrets([{ id: 'crm', url, secrets: [{ keep: B.slice(-4) }] }], held).webhooks[0]!.secrets).toEqual([B]);
  });

  it('given a new rule, another webhook id, an unknown, an ambiguous or a repeated keep, then each is an error naming the secret, without its value', () => {
    expect(resolveWebhookSecrets([{ id: 'crm', url, secrets: [A, { keep: A.slice(-4) }] }], null).errors).toEqual([
      { field: 'body.recipients.webhooks.0.secrets.1', reason: expect.stringContaining('a new rule holds no secret yet') },
    ]);
    // two held secrets that end alike
    const twins = [{ id: 'crm', url, secrets: [`${A.slice(0, -5)}xAAA=`, `${B.slice(0, -5)}yAAA=`] }];
    const { errors } = resolveWebhookSecrets(
      [
        { id: 'erp', url, secrets: [{ keep: A.slice(-4) }] },
        { id: 'crm', url, secrets: [{ keep: 'zzzz' }, { keep: 'AAA=' }] },
      ],
      twins,
    );
    expect(errors).toEqual([
      { field: 'body.recipients.webhooks.0.secrets.0', reason: expect.stringContaining('for webhook erp') },
      { field: 'body.recipients.webhooks.1.secrets.0', reason: expect.stringContaining('no secret ending in zzzz') },
      { field: 'body.recipients.webhooks.1.secrets.1', reason: expect.stringContaining('ambiguous: 2 secrets of webhook crm') },
    ]);
    expect(resolveWebhookSecrets([{ id: 'crm', url, secrets: [A, { keep: A.slice(-4) }] }], held).errors).toEqual([
      { field: 'body.recipients.webhooks.0.secrets.1', reason: 'repeats a secret of this webhook' },
    ]);
    expect(JSON.stringify(errors)).not.toContain(twins[0]!.secrets[0]!.slice(6, -4));
  });

  it('given a secret that is neither a whsec_ secret nor { keep }, then the API names what it must be', () => {
    const parsed = CreateNotificationRuleBody.safeParse({ kind: 'license-uninstalled', name: 'n', subject: 's', body: 'b', recipients: { webhooks: [{ id: 'crm', url, secrets: [42] }] } });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['recipients.webhooks.0.secrets.0', expect.stringContaining('or { "keep": "…abcd" }')]]);
  });
});
