import type { Schemas } from '../api/client';

export type Rule = Schemas['NotificationRule'];
export type RuleKind = Rule['kind'];
export type RecipientRole = Rule['recipients']['roles'][number];
type CreateBody = Schemas['CreateNotificationRuleRequest'];
type PatchBody = Schemas['UpdateNotificationRuleRequest'];

export const RULE_KINDS: { value: RuleKind; label: string }[] = [
  { value: 'license-expiring', label: 'License expiring' },
  { value: 'license-uninstalled', label: 'License uninstalled' },
  { value: 'license-suspended', label: 'License suspended' },
  { value: 'lead-created', label: 'Lead created' },
  { value: 'onboarding-failed', label: 'Onboarding failed' },
  { value: 'onboarding-parked', label: 'Onboarding parked' },
];
export const kindLabel = (kind: RuleKind): string => RULE_KINDS.find((k) => k.value === kind)?.label ?? kind;

export const RECIPIENT_ROLES: RecipientRole[] = ['lead-manager', 'sales-rep', 'retention-specialist', 'license-manager', 'admin'];

const LICENSE_FIELDS = 'licenseId, licenseName, packageId, packageVersionId, versionNumber, subscriberOrgId, company, status, seats, usedLicenses, expiresOn, installDate, orgEdition, orgStatus, instance, sandbox, leadId, accountId, contactId, licenseUrl';
const ONBOARDING_FIELDS = 'sagaId, packageId, subscriberOrgId, reason, detail, onboardingUrl';
/** The template fields of each kind (docs/notifications.md), shown beside subject and body. */
export const TEMPLATE_FIELDS: Record<RuleKind, string> = {
  'license-expiring': `${LICENSE_FIELDS}, daysLeft, stage`,
  'license-uninstalled': LICENSE_FIELDS,
  'license-suspended': LICENSE_FIELDS,
  'lead-created': 'leadId, packageId, subscriberOrgId, company, leadName, leadEmail, ownerId, leadSource, leadUrl',
  'onboarding-failed': ONBOARDING_FIELDS,
  'onboarding-parked': `${ONBOARDING_FIELDS}, parkedSince, parkedMinutes`,
};

/**
 * One signing secret of a webhook in the form. LMA keeps secrets write-only: a secret the rule
 * holds is known by its last 4 characters (`hint`) and sent back as `{ keep: hint }`; a secret
 * generated here (`hint` null) is sent by its `value`, shown once, until the form closes.
 */
export type SecretValues = { hint: string; value?: undefined } | { hint: null; value: string };

export interface WebhookValues {
  id: string;
  url: string;
  secrets: SecretValues[];
}

export interface RuleValues {
  kind: RuleKind;
  name: string;
  packageId: string;
  enabled: boolean;
  stages: string[];
  parkedMinutes: number | string;
  emails: string[];
  roles: RecipientRole[];
  teamMemberIds: string[];
  leadManager: boolean;
  webhooks: WebhookValues[];
  subject: string;
  body: string;
}

export const DEFAULT_STAGES = ['30', '7'];
const STAGE_MIN = 1;
const STAGE_MAX = 365;

export function emptyRule(): RuleValues {
  return {
    kind: 'license-expiring',
    name: '',
    packageId: '',
    enabled: true,
    stages: DEFAULT_STAGES,
    parkedMinutes: '',
    emails: [],
    roles: [],
    teamMemberIds: [],
    leadManager: false,
    webhooks: [],
    subject: '',
    body: '',
  };
}

/** The last 4 characters of a held secret (the API shows them as `…abcd`). */
export const hintOf = (secretHint: string): string => secretHint.replace(/^…/, '');

export function valuesOf(rule: Rule): RuleValues {
  return {
    kind: rule.kind,
    name: rule.name,
    packageId: rule.packageId ?? '',
    enabled: rule.enabled,
    stages: rule.stages.map(String),
    parkedMinutes: rule.parkedMinutes ?? '',
    emails: rule.recipients.emails,
    roles: rule.recipients.roles,
    teamMemberIds: rule.recipients.teamMemberIds,
    leadManager: rule.recipients.leadManager,
    webhooks: rule.recipients.webhooks.map((w) => ({ id: w.id, url: w.url, secrets: w.secretHints.map((h) => ({ hint: hintOf(h) })) })),
    subject: rule.subject,
    body: rule.body,
  };
}

/** A Standard Webhooks secret: whsec_ and the base64 of 32 random bytes. */
export function generateSecret(random: (bytes: Uint8Array) => Uint8Array = (b) => crypto.getRandomValues(b)): string {
  const key = random(new Uint8Array(32));
  return `whsec_${btoa(String.fromCharCode(...key))}`;
}

const WEBHOOK_ID = /^[a-z0-9][a-z0-9_-]{0,31}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PACKAGE_ID = /^033[A-Za-z0-9]{15}$/;

/** The recipients as the API takes them: held secrets kept by their hint, new ones by their value. */
function recipientsOf(v: RuleValues): CreateBody['recipients'] {
  return {
    emails: v.emails,
    roles: v.roles,
    teamMemberIds: v.teamMemberIds,
    leadManager: v.leadManager,
    webhooks: v.webhooks.map((w) => ({ id: w.id.trim(), url: w.url.trim(), secrets: w.secrets.map((s) => (s.hint !== null ? { keep: s.hint } : s.value)) })),
  };
}

/** Whether the recipients differ from the rule's: only then are they sent. */
export function recipientsChanged(rule: Rule, v: RuleValues): boolean {
  const r = rule.recipients;
  const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
  if (!same(r.emails, v.emails) || !same(r.roles, v.roles) || !same(r.teamMemberIds, v.teamMemberIds) || r.leadManager !== v.leadManager) return true;
  if (r.webhooks.length !== v.webhooks.length) return true;
  return r.webhooks.some((w, i) => {
    const f = v.webhooks[i]!;
    return w.id !== f.id.trim() || w.url !== f.url.trim() || !same(w.secretHints.map(hintOf), f.secrets.map((s) => s.hint ?? ''));
  });
}

const numbers = (stages: string[]) => stages.map((s) => Number(s));

/** What the form sends to create the rule. */
export function createBody(v: RuleValues): CreateBody {
  return {
    kind: v.kind,
    name: v.name.trim(),
    packageId: v.packageId.trim() || null,
    enabled: v.enabled,
    ...(v.kind === 'license-expiring' ? { stages: numbers(v.stages) } : {}),
    ...(v.kind === 'onboarding-parked' ? { parkedMinutes: Number(v.parkedMinutes) } : {}),
    recipients: recipientsOf(v),
    subject: v.subject,
    body: v.body,
  };
}

/** What the form sends to change the rule: the fields that changed (recipients whole, when any of them did). */
export function patchBody(rule: Rule, v: RuleValues): PatchBody {
  const body: PatchBody = {};
  if (v.name.trim() !== rule.name) body.name = v.name.trim();
  if ((v.packageId.trim() || null) !== rule.packageId) body.packageId = v.packageId.trim() || null;
  if (v.enabled !== rule.enabled) body.enabled = v.enabled;
  if (rule.kind === 'license-expiring' && numbers(v.stages).join() !== rule.stages.join()) body.stages = numbers(v.stages);
  if (rule.kind === 'onboarding-parked' && Number(v.parkedMinutes) !== rule.parkedMinutes) body.parkedMinutes = Number(v.parkedMinutes);
  if (recipientsChanged(rule, v)) body.recipients = recipientsOf(v);
  if (v.subject !== rule.subject) body.subject = v.subject;
  if (v.body !== rule.body) body.body = v.body;
  return body;
}

type Errors = Record<string, string>;

/**
 * What the form can tell before sending (the API checks again, and alone knows the team
 * directory and the template fields).
 */
export function validateRule(v: RuleValues): Errors {
  const errors: Errors = {};
  if (!v.name.trim()) errors['name'] = 'Name the rule';
  if (v.packageId.trim() && !PACKAGE_ID.test(v.packageId.trim())) errors['packageId'] = 'A package id is 18 letters and digits starting with 033; leave it empty for every package';
  if (v.kind === 'license-expiring') {
    if (v.stages.length === 0) errors['stages'] = 'Name at least one stage (days before the expiration date)';
    else if (v.stages.some((s) => !/^\d+$/.test(s.trim()) || Number(s) < STAGE_MIN || Number(s) > STAGE_MAX)) errors['stages'] = `Each stage is a whole number of days from ${STAGE_MIN} to ${STAGE_MAX}`;
    else if (new Set(numbers(v.stages)).size !== v.stages.length) errors['stages'] = 'A stage is named twice';
  }
  if (v.kind === 'onboarding-parked' && !(Number.isInteger(Number(v.parkedMinutes)) && Number(v.parkedMinutes) >= 1 && v.parkedMinutes !== '')) {
    errors['parkedMinutes'] = 'Minutes parked before the alert: a whole number, at least 1';
  }
  const bad = v.emails.find((e) => !EMAIL.test(e));
  if (bad) errors['emails'] = `${bad} is not an email address`;
  if (!v.emails.length && !v.roles.length && !v.teamMemberIds.length && !v.leadManager && !v.webhooks.length) {
    errors['recipients'] = 'Name at least one recipient: an email, a role, a team member, the lead manager or a webhook';
  }
  const ids = new Set<string>();
  v.webhooks.forEach((w, i) => {
    if (!WEBHOOK_ID.test(w.id.trim())) errors[`webhooks.${i}.id`] = '1 to 32 lowercase letters, digits, _ or -, starting with a letter or digit';
    else if (ids.has(w.id.trim())) errors[`webhooks.${i}.id`] = 'Another webhook has this id';
    ids.add(w.id.trim());
    if (!/^https?:\/\/[^\s/]+/.test(w.url.trim())) errors[`webhooks.${i}.url`] = 'An http or https URL';
    if (w.secrets.length === 0) errors[`webhooks.${i}.secrets`] = 'A webhook needs a signing secret: generate one';
    if (w.secrets.length > 3) errors[`webhooks.${i}.secrets`] = 'At most 3 secrets: the current one and those being rotated out';
    w.secrets.forEach((s, j) => {
      // LMA knows a held secret only by its hint: two that share one cannot be told apart
      if (s.hint !== null && w.secrets.findIndex((o) => o.hint === s.hint) !== j) {
        errors[`webhooks.${i}.secrets.${j}`] = `Another held secret also ends …${s.hint}: drop both and generate a new one`;
      }
    });
  });
  if (!v.subject.trim()) errors['subject'] = 'Write the subject';
  if (!v.body.trim()) errors['body'] = 'Write the body';
  return errors;
}

/**
 * The form field an API error names (`body.recipients.webhooks.0.secrets.1` ->
 * `webhooks.0.secrets.1`), so the refusal also stands under the field it is about.
 */
export function formFieldOf(apiField: string): string | null {
  const path = apiField.replace(/^body\./, '').replace(/^recipients\.(?=.)/, '');
  const secret = /^webhooks\.(\d+)\.secrets\.(\d+)$/.exec(path);
  if (secret) return `webhooks.${secret[1]}.secrets.${secret[2]}`;
  const webhook = /^webhooks\.(\d+)\.(id|url|secrets)$/.exec(path);
  if (webhook) return `webhooks.${webhook[1]}.${webhook[2]}`;
  const top = /^(name|packageId|stages|parkedMinutes|emails|roles|teamMemberIds|subject|body|recipients)(?:\.\d+)?$/.exec(path);
  return top ? top[1]! : null;
}
