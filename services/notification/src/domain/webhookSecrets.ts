import type { FieldError } from '@lma/core';
import type { WebhookEndpoint } from './rules';

/** A secret as a rule change names it: a new one, or one the rule holds for that webhook, by its hint. */
export type WebhookSecretInput = string | { keep: string };

export interface WebhookEndpointInput {
  id: string;
  url: string;
  secrets: WebhookSecretInput[];
}

/** The last 4 characters of a secret: what the rule's view shows, and what a `keep` names. */
export const secretHint = (secret: string): string => secret.slice(-4);

/**
 * The webhooks with every `keep` replaced by the held secret of the same webhook id it names
 * (`held`: the rule's webhooks before the change; none for a new rule). Errors name the secret
 * (`body.recipients.webhooks.i.secrets.j`) and never carry a secret's value.
 */
export function resolveWebhookSecrets(input: WebhookEndpointInput[], held: WebhookEndpoint[] | null): { webhooks: WebhookEndpoint[]; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const webhooks = input.map((w, i) => {
    const heldSecrets = held?.find((h) => h.id === w.id)?.secrets ?? [];
    const secrets: string[] = [];
    w.secrets.forEach((s, j) => {
      const field = `body.recipients.webhooks.${i}.secrets.${j}`;
      if (typeof s === 'string') {
        if (secrets.includes(s)) errors.push({ field, reason: 'repeats a secret of this webhook' });
        else secrets.push(s);
        return;
      }
      const hint = s.keep.replace(/^…/, '');
      if (held === null) {
        errors.push({ field, reason: `keeps …${hint}, but a new rule holds no secret yet: send the secret itself (whsec_…)` });
        return;
      }
      const matches = heldSecrets.filter((h) => secretHint(h) === hint);
      if (matches.length === 0) {
        errors.push({ field, reason: `keeps …${hint}, but the rule holds no secret ending in ${hint} for webhook ${w.id}: send the secret itself (whsec_…)` });
      } else if (matches.length > 1) {
        errors.push({ field, reason: `keeps …${hint}, which is ambiguous: ${matches.length} secrets of webhook ${w.id} end in ${hint}; send the secret itself (whsec_…)` });
      } else if (secrets.includes(matches[0]!)) {
        errors.push({ field, reason: 'repeats a secret of this webhook' });
      } else {
        secrets.push(matches[0]!);
      }
    });
    return { id: w.id, url: w.url, secrets };
  });
  return { webhooks, errors };
}
