import type { FieldError } from '@lma/core';
import type { RuleKind } from './rules';

/** Fields every license alert can use in its subject and body. */
export const LICENSE_FIELDS = [
  'licenseId',
  'licenseName',
  'packageId',
  'packageVersionId',
  'versionNumber',
  'subscriberOrgId',
  'company',
  'status',
  'seats',
  'usedLicenses',
  'expiresOn',
  'installDate',
  'orgEdition',
  'orgStatus',
  'instance',
  'sandbox',
  'leadId',
  'accountId',
  'contactId',
  'licenseUrl',
] as const;

const LEAD_FIELDS = ['leadId', 'packageId', 'subscriberOrgId', 'company', 'leadName', 'leadEmail', 'ownerId', 'leadSource', 'leadUrl'] as const;
const ONBOARDING_FIELDS = ['sagaId', 'packageId', 'subscriberOrgId', 'reason', 'detail', 'onboardingUrl'] as const;
const COMMON_FIELDS = ['ruleName', 'occurredAt'] as const;

/** The placeholders each kind of rule may use: anything else is rejected when the rule is saved. */
export const TEMPLATE_FIELDS: Record<RuleKind, readonly string[]> = {
  'license-expiring': [...COMMON_FIELDS, ...LICENSE_FIELDS, 'daysLeft', 'stage'],
  'license-uninstalled': [...COMMON_FIELDS, ...LICENSE_FIELDS],
  'license-suspended': [...COMMON_FIELDS, ...LICENSE_FIELDS],
  'lead-created': [...COMMON_FIELDS, ...LEAD_FIELDS],
  'onboarding-failed': [...COMMON_FIELDS, ...ONBOARDING_FIELDS],
  'onboarding-parked': [...COMMON_FIELDS, ...ONBOARDING_FIELDS, 'parkedSince', 'parkedMinutes'],
};

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** The names between `{{` and `}}`, in order of appearance (duplicates kept). */
export function placeholders(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1]!);
}

/** Field errors for unknown or malformed placeholders of one template. */
export function validateTemplate(template: string, kind: RuleKind, field: string): FieldError[] {
  const known = TEMPLATE_FIELDS[kind];
  const errors: FieldError[] = [];
  for (const name of new Set(placeholders(template))) {
    if (!known.includes(name)) errors.push({ field, reason: `unknown placeholder {{${name}}}; known for ${kind}: ${known.join(', ')}` });
  }
  const stray = template.replace(PLACEHOLDER, '');
  if (stray.includes('{{') || stray.includes('}}')) errors.push({ field, reason: 'has an unclosed {{ or a stray }}' });
  return errors;
}

export type TemplateValues = Record<string, string | number | boolean | null | undefined>;

/** Fills the placeholders; a field without a value renders as an empty string (null seats: "unlimited"). */
export function render(template: string, values: TemplateValues): string {
  return template.replace(PLACEHOLDER, (_m, name: string) => {
    const v = values[name];
    if (v === null || v === undefined) return name === 'seats' ? 'unlimited' : '';
    return String(v);
  });
}
