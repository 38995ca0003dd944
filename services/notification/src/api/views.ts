import type { Rule } from '../domain/rules';
import { secretHint } from '../domain/webhookSecrets';
import type { Notification } from '../infra/models';

const iso = (d: Date | null | undefined): string | null => (d ? new Date(d).toISOString() : null);

/** A rule as the API shows it: webhook secrets are write-only (only their last 4 characters show). */
export const ruleView = (r: Rule) => ({
  ruleId: r._id,
  name: r.name,
  kind: r.kind,
  packageId: r.packageId ?? null,
  enabled: r.enabled,
  stages: r.stages ?? [],
  parkedMinutes: r.parkedMinutes ?? null,
  recipients: {
    teamMemberIds: r.recipients.teamMemberIds,
    roles: r.recipients.roles,
    leadManager: r.recipients.leadManager,
    emails: r.recipients.emails,
    webhooks: r.recipients.webhooks.map((w) => ({ id: w.id, url: w.url, secretHints: w.secrets.map((s) => `…${secretHint(s)}`) })),
  },
  subject: r.subject,
  body: r.body,
  revision: r.revision,
  createdAt: iso(r.createdAt)!,
  createdBy: r.createdBy,
  updatedAt: iso(r.updatedAt)!,
  updatedBy: r.updatedBy,
});

export const notificationView = (n: Notification) => ({
  notificationId: n._id,
  ruleId: n.ruleId,
  ruleName: n.ruleName,
  kind: n.kind,
  occasion: n.occasion,
  channel: n.channel,
  target: n.target,
  to: n.to,
  unresolved: n.unresolved ?? [],
  licenseId: n.licenseId ?? null,
  packageId: n.packageId ?? null,
  subscriberOrgId: n.subscriberOrgId ?? null,
  leadId: n.leadId ?? null,
  sagaId: n.sagaId ?? null,
  subject: n.subject,
  body: n.body,
  status: n.status,
  attempts: n.attempts,
  nextAttemptAt: iso(n.nextAttemptAt),
  createdAt: iso(n.createdAt)!,
  sentAt: iso(n.sentAt),
  lastError: n.lastError ?? null,
  lastResponse: n.lastResponse ?? null,
  deliveryLog: (n.log ?? []).map((a) => ({ ...a, at: iso(a.at)! })),
  resends: (n.resends ?? []).map((r) => ({ by: r.by, at: iso(r.at)! })),
});
