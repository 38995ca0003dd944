import { createHash } from 'node:crypto';
import type { FieldError } from '@lma/core';
import { validateTemplate } from './templates';
import { blockedUrlReason } from './webhookTargets';

export const RULE_KINDS = ['license-expiring', 'license-uninstalled', 'license-suspended', 'lead-created', 'onboarding-failed', 'onboarding-parked'] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

export const RECIPIENT_ROLES = ['lead-manager', 'sales-rep', 'retention-specialist', 'license-manager', 'admin'] as const;
export type RecipientRole = (typeof RECIPIENT_ROLES)[number];

export const DEFAULT_STAGES = [30, 7];
export const STAGE_MIN = 1;
export const STAGE_MAX = 365;

export interface WebhookEndpoint {
  id: string;
  url: string;
  /** Every active secret signs each delivery (several during a rotation). */
  secrets: string[];
}

export interface Recipients {
  teamMemberIds: string[];
  roles: RecipientRole[];
  /** The package's lead manager (for lead-created: the lead's owner). */
  leadManager: boolean;
  emails: string[];
  webhooks: WebhookEndpoint[];
}

export interface Rule {
  _id: string;
  name: string;
  kind: RuleKind;
  /** null: every package. */
  packageId: string | null;
  enabled: boolean;
  /** license-expiring: days before the expiration date, descending. */
  stages: number[];
  /** onboarding-parked: minutes a saga must stay parked before the alert. */
  parkedMinutes: number | null;
  recipients: Recipients;
  subject: string;
  body: string;
  revision: number;
  createdAt: Date;
  createdBy: string;
  updatedAt: Date;
  updatedBy: string;
  /** Deleted: never matched, listed or read again; kept for the history of its notifications. */
  deletedAt?: Date | null;
  deletedBy?: string | null;
}

/** Checks a whole rule (after a create or a patch) against what zod cannot know: templates per kind, team members in the directory. */
export function validateRule(
  rule: Pick<Rule, 'kind' | 'stages' | 'parkedMinutes' | 'recipients' | 'subject' | 'body'>,
  knownTeamMember: (id: string) => boolean,
  opts: { allowPrivateWebhooks: boolean } = { allowPrivateWebhooks: false },
): FieldError[] {
  const errors: FieldError[] = [
    ...validateTemplate(rule.subject, rule.kind, 'body.subject'),
    ...validateTemplate(rule.body, rule.kind, 'body.body'),
  ];
  rule.recipients.teamMemberIds.forEach((id, i) => {
    if (!knownTeamMember(id)) errors.push({ field: `body.recipients.teamMemberIds.${i}`, reason: `${id} is not a team member in the directory` });
  });
  const r = rule.recipients;
  if (!r.teamMemberIds.length && !r.roles.length && !r.leadManager && !r.emails.length && !r.webhooks.length) {
    errors.push({ field: 'body.recipients', reason: 'must name at least one recipient (teamMemberIds, roles, leadManager, emails or webhooks)' });
  }
  if (rule.kind === 'license-expiring') {
    if (rule.stages.length === 0) errors.push({ field: 'body.stages', reason: 'must name at least one stage' });
    if (new Set(rule.stages).size !== rule.stages.length) errors.push({ field: 'body.stages', reason: 'must not repeat a stage' });
    rule.stages.forEach((s, i) => {
      if (!Number.isInteger(s) || s < STAGE_MIN || s > STAGE_MAX) errors.push({ field: `body.stages.${i}`, reason: `must be a whole number of days from ${STAGE_MIN} to ${STAGE_MAX}` });
    });
  }
  if (rule.kind === 'onboarding-parked' && (rule.parkedMinutes === null || rule.parkedMinutes < 1)) {
    errors.push({ field: 'body.parkedMinutes', reason: 'is required for onboarding-parked rules (minutes, at least 1)' });
  }
  const ids = new Set<string>();
  r.webhooks.forEach((w, i) => {
    if (ids.has(w.id)) errors.push({ field: `body.recipients.webhooks.${i}.id`, reason: 'must be unique within the rule' });
    ids.add(w.id);
    const blocked = opts.allowPrivateWebhooks ? null : blockedUrlReason(w.url);
    if (blocked) errors.push({ field: `body.recipients.webhooks.${i}.url`, reason: `must not point to an internal address: ${blocked}` });
  });
  return errors;
}

/** Whether a rule applies to an occasion of this package. */
export const ruleApplies = (rule: Pick<Rule, 'enabled' | 'packageId'>, packageId: string | null): boolean =>
  rule.enabled && (rule.packageId === null || rule.packageId === packageId);

/**
 * The notification's id: the same rule, occasion and target always give the same id, so its
 * unique insert is the "exactly once" (a redelivered event, a second replica, a re-run scan).
 */
export function notificationId(ruleId: string, occasion: string, target: string): string {
  return `n_${createHash('sha256').update(`${ruleId}\n${occasion}\n${target}`).digest('hex').slice(0, 32)}`;
}

export type RuleWrite = 'written' | 'missing' | 'changed-meanwhile';

/**
 * Replaces a rule with `next`, decided on revision `basedOn`: a deleted or absent rule is missing;
 * one whose revision moved since (another change won) is not overwritten: the caller reloads and
 * retries.
 */
export function replaceRule(current: Rule | null, basedOn: number, next: Rule): { state?: Rule; result: RuleWrite } {
  if (!current || current.deletedAt) return { result: 'missing' };
  if (current.revision !== basedOn) return { result: 'changed-meanwhile' };
  return { state: next, result: 'written' };
}
