import { z } from 'zod';
import { PackageId } from '@lma/contracts';
import { PageQuery, pageOf } from '../pagination';
import { Permission } from '../permissions';
import { defineRoute, type ApiRoute } from '../route';

export const NotificationRuleKind = z.enum(['license-expiring', 'license-uninstalled', 'license-suspended', 'lead-created', 'onboarding-failed', 'onboarding-parked']);
export const RecipientRole = z.enum(['lead-manager', 'sales-rep', 'retention-specialist', 'license-manager', 'admin']);
export const NotificationRuleId = z.string().regex(/^nr_[a-f0-9]{24}$/, 'must be a notification rule id (nr_ + 24 hex digits)');
export const NotificationId = z.string().regex(/^n_[a-f0-9]{32}$/, 'must be a notification id (n_ + 32 hex digits)');
export const NotificationStatus = z.enum(['pending', 'sent', 'failed']);

const TeamMemberRef = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be a team member id');
const Template = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);
const WebhookId = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'must be 1-32 lowercase letters, digits, _ or -');

/** `whsec_` and the base64 (standard alphabet, padded) of the HMAC key: the Standard Webhooks secret form. */
export const WEBHOOK_SECRET_FORM = /^whsec_(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const WEBHOOK_KEY_BYTES = { min: 24, max: 64 };

/** The key's length in bytes: the Standard Webhooks specification recommends 24 to 64. */
const keyBytes = (secret: string): number => Buffer.from(secret.slice('whsec_'.length), 'base64').length;

const WebhookSecret = z
  .string()
  .regex(WEBHOOK_SECRET_FORM, 'must be whsec_ followed by the base64 of a random key (Standard Webhooks), e.g. whsec_ and the output of `openssl rand -base64 32`')
  // a secret not in that form has its reason already
  .refine(
    (s) => !WEBHOOK_SECRET_FORM.test(s) || (keyBytes(s) >= WEBHOOK_KEY_BYTES.min && keyBytes(s) <= WEBHOOK_KEY_BYTES.max),
    `must hold a key of ${WEBHOOK_KEY_BYTES.min} to ${WEBHOOK_KEY_BYTES.max} bytes after whsec_, e.g. whsec_ and the output of \`openssl rand -base64 32\``,
  );

/** The last 4 characters of a held secret, as the rule's view shows them (`…abcd`, or `abcd`). */
export const WEBHOOK_SECRET_HINT_FORM = /^…?[A-Za-z0-9+/=]{4}$/;

const KeptWebhookSecret = z
  .object({
    keep: z
      .string()
      .regex(WEBHOOK_SECRET_HINT_FORM, 'must be the hint of a secret the webhook holds, as the rule shows it in secretHints (…abcd)')
      .describe('A secret the rule already holds for this webhook id, named by its hint in secretHints'),
  })
  .strict();

const WebhookEndpointInput = z.object({
  id: WebhookId,
  url: z
    .string()
    .url('must be a URL')
    .max(2000)
    .refine((u) => /^https?:\/\//.test(u), 'must be an http or https URL'),
  secrets: z
    .array(
      z.union([WebhookSecret, KeptWebhookSecret], {
        errorMap: (issue, ctx) => ({
          message: issue.code === 'invalid_union' ? 'must be a new secret (whsec_…) or { "keep": "…abcd" }: a secret the webhook holds, by its hint' : ctx.defaultError,
        }),
      }),
    )
    .min(1, 'must hold at least one secret')
    .max(3, 'at most 3 secrets (the current one and those being rotated out)')
    .describe(
      'The webhook\'s signing secrets, each either a new Standard Webhooks secret (whsec_<base64 key>) or `{ "keep": "…abcd" }`: ' +
        'a secret the rule already holds for the same webhook id, named by its hint in secretHints (a new rule holds none; a hint two held secrets share is refused as ambiguous). ' +
        'The list replaces the webhook\'s secrets: a held secret neither kept nor sent again is dropped. ' +
        'Every secret signs each delivery (one v1,<signature> each in webhook-signature), so a rotation needs no downtime: keep the old secret and add a new one, switch the receiver, then send only the new one (`keep` it).',
    ),
});

export const RecipientsInput = z.object({
  teamMemberIds: z.array(TeamMemberRef).max(50).default([]).describe('Team members by id (must be in the team directory)'),
  roles: z.array(RecipientRole).max(5).default([]).describe('Every active team member with one of these roles'),
  leadManager: z.boolean().default(false).describe("The package's lead manager (lead-created: the lead's owner)"),
  emails: z.array(z.string().trim().email('must be an email address').max(254).toLowerCase()).max(50).default([]),
  webhooks: z
    .array(WebhookEndpointInput)
    .max(10)
    .default([])
    .describe('Signed HTTP targets, by id. The list replaces the rule\'s webhooks: a webhook left out is removed with its secrets.'),
});

const RuleFields = {
  name: z.string().trim().min(1, 'must not be empty').max(200),
  packageId: PackageId.nullable().default(null).describe('null: every package'),
  enabled: z.boolean().default(true),
  stages: z
    .array(z.number().int('must be a whole number of days').min(1, 'must be at least 1 day').max(365, 'must be at most 365 days'))
    .max(10)
    .optional()
    .describe('license-expiring: days before the expiration date (default 30 and 7); unique'),
  parkedMinutes: z.number().int().min(1).max(525_600).nullable().optional().describe('onboarding-parked: minutes parked before the alert'),
  recipients: RecipientsInput,
  subject: Template(300).describe('Template: {{field}} placeholders, see docs/notifications.md'),
  body: Template(10_000),
};

export const CreateNotificationRuleBody = z.object({ kind: NotificationRuleKind, ...RuleFields });
export const PatchNotificationRuleBody = z.object({
  name: RuleFields.name.optional(),
  packageId: PackageId.nullable().optional(),
  enabled: z.boolean().optional(),
  stages: RuleFields.stages,
  parkedMinutes: RuleFields.parkedMinutes,
  recipients: RecipientsInput.optional(),
  subject: RuleFields.subject.optional(),
  body: RuleFields.body.optional(),
});

export const NotificationRuleView = z.object({
  ruleId: z.string(),
  name: z.string(),
  kind: NotificationRuleKind,
  packageId: z.string().nullable(),
  enabled: z.boolean(),
  stages: z.array(z.number().int()),
  parkedMinutes: z.number().int().nullable(),
  recipients: z.object({
    teamMemberIds: z.array(z.string()),
    roles: z.array(RecipientRole),
    leadManager: z.boolean(),
    emails: z.array(z.string()),
    webhooks: z.array(z.object({ id: z.string(), url: z.string(), secretHints: z.array(z.string()).describe('Last 4 characters of each secret') })),
  }),
  subject: z.string(),
  body: z.string(),
  revision: z.number().int(),
  createdAt: z.string().datetime(),
  createdBy: z.string(),
  updatedAt: z.string().datetime(),
  updatedBy: z.string(),
});

export const DeliveryAttemptView = z.object({
  round: z.number().int().describe('0: automatic delivery; n: the n-th manual resend'),
  attempt: z.number().int(),
  at: z.string().datetime(),
  outcome: z.enum(['sent', 'failed', 'abandoned']),
  durationMs: z.number().int(),
  response: z.string().nullable(),
  error: z.string().nullable(),
});

export const NotificationView = z.object({
  notificationId: z.string(),
  ruleId: z.string(),
  ruleName: z.string(),
  kind: NotificationRuleKind,
  occasion: z.string().describe('What the alert is about; one notification per rule, occasion and target'),
  channel: z.enum(['email', 'webhook']),
  target: z.string(),
  to: z.array(z.string()),
  unresolved: z.array(z.string()).describe('Recipients that resolved to no address'),
  licenseId: z.string().nullable(),
  packageId: z.string().nullable(),
  subscriberOrgId: z.string().nullable(),
  leadId: z.string().nullable(),
  sagaId: z.string().nullable(),
  subject: z.string(),
  body: z.string(),
  status: NotificationStatus,
  attempts: z.number().int(),
  nextAttemptAt: z.string().datetime().nullable(),
  createdAt: z.string().datetime(),
  sentAt: z.string().datetime().nullable(),
  lastError: z.string().nullable(),
  lastResponse: z.string().nullable(),
  deliveryLog: z.array(DeliveryAttemptView),
  resends: z.array(z.object({ by: z.string(), at: z.string().datetime() })),
});

const RuleParams = z.object({ ruleId: NotificationRuleId });
const NotificationParams = z.object({ notificationId: NotificationId });

export const createNotificationRule = defineRoute({
  operationId: 'createNotificationRule',
  method: 'post',
  path: '/notification-rules',
  service: 'notification',
  permission: Permission.NotificationRulesEdit,
  summary: 'Create a notification rule',
  description:
    'Unknown template placeholders, team members not in the directory and stages out of 1..365 or repeated are 400s naming the field. ' +
    'Webhook secrets are write-only: no response, log or event shows them (the rule shows their last 4 characters in secretHints). ' +
    'A new rule holds no secrets, so `{ "keep": … }` is a 400 naming the secret.',
  tags: ['Notifications'],
  problems: ['already-exists'],
  etag: true,
  body: CreateNotificationRuleBody,
  responses: { 201: { description: 'The rule', schema: NotificationRuleView } },
});

export const listNotificationRules = defineRoute({
  operationId: 'listNotificationRules',
  method: 'get',
  path: '/notification-rules',
  service: 'notification',
  permission: Permission.NotificationRulesRead,
  summary: 'Notification rules, oldest first',
  tags: ['Notifications'],
  query: z.object({ kind: NotificationRuleKind.optional(), packageId: PackageId.optional(), ...PageQuery }),
  responses: { 200: { description: 'The rules', schema: pageOf(NotificationRuleView) } },
});

export const getNotificationRule = defineRoute({
  operationId: 'getNotificationRule',
  method: 'get',
  path: '/notification-rules/{ruleId}',
  service: 'notification',
  permission: Permission.NotificationRulesRead,
  summary: 'One notification rule',
  tags: ['Notifications'],
  params: RuleParams,
  problems: ['not-found'],
  etag: true,
  responses: { 200: { description: 'The rule', schema: NotificationRuleView } },
});

export const updateNotificationRule = defineRoute({
  operationId: 'updateNotificationRule',
  method: 'patch',
  path: '/notification-rules/{ruleId}',
  service: 'notification',
  permission: Permission.NotificationRulesEdit,
  summary: 'Change a notification rule (switch it off with enabled: false)',
  description:
    'The whole rule is validated again after the change. `recipients` replaces the rule\'s recipients: a webhook left out is removed, and each webhook\'s secrets are those listed, ' +
    'new ones (whsec_…) or held ones kept by their hint (`{ "keep": "…abcd" }`), so a change of recipients needs no secret pasted again. ' +
    'A `keep` naming no held secret of that webhook id, or one that two held secrets share, is a 400 naming the secret (body.recipients.webhooks.0.secrets.1) and the rule stays as it was. ' +
    'Rotation: keep the old secret and add a new one; once the receiver has the new one, keep only the new one. ' +
    '`If-Match` with the ETag of the rule makes the change conditional (412 when the rule has changed); without it, a change made meanwhile is a 409.',
  tags: ['Notifications'],
  params: RuleParams,
  problems: ['not-found', 'revision-conflict'],
  etag: true,
  ifMatch: true,
  body: PatchNotificationRuleBody,
  responses: { 200: { description: 'The rule', schema: NotificationRuleView } },
});

export const deleteNotificationRule = defineRoute({
  operationId: 'deleteNotificationRule',
  method: 'delete',
  path: '/notification-rules/{ruleId}',
  service: 'notification',
  permission: Permission.NotificationRulesEdit,
  summary: 'Delete a notification rule',
  description:
    'The rule raises no more notifications and is no longer listed or readable (404). Notifications it already raised keep their history, ' +
    'and those still being delivered are delivered. Who deleted it and when are kept. `If-Match` with the ETag of the rule deletes it only as it was then (412 otherwise).',
  tags: ['Notifications'],
  params: RuleParams,
  problems: ['not-found', 'revision-conflict'],
  ifMatch: true,
  responses: { 204: { description: 'Deleted' } },
});

export const listNotifications = defineRoute({
  operationId: 'listNotifications',
  method: 'get',
  path: '/notifications',
  service: 'notification',
  permission: Permission.NotificationRulesRead,
  summary: 'Notification history with delivery logs, newest first',
  tags: ['Notifications'],
  query: z.object({
    licenseId: z.string().min(1).max(100).regex(/^[A-Za-z0-9_:-]+$/, 'must be a license id').optional(),
    packageId: PackageId.optional(),
    ruleId: NotificationRuleId.optional(),
    status: NotificationStatus.optional(),
    ...PageQuery,
  }),
  responses: { 200: { description: 'The notifications', schema: pageOf(NotificationView) } },
});

export const getNotification = defineRoute({
  operationId: 'getNotification',
  method: 'get',
  path: '/notifications/{notificationId}',
  service: 'notification',
  permission: Permission.NotificationRulesRead,
  summary: 'One notification and its delivery log',
  tags: ['Notifications'],
  params: NotificationParams,
  problems: ['not-found'],
  responses: { 200: { description: 'The notification', schema: NotificationView } },
});

export const resendNotification = defineRoute({
  operationId: 'resendNotification',
  method: 'post',
  path: '/notifications/{notificationId}/resend',
  service: 'notification',
  permission: Permission.NotificationRulesEdit,
  summary: 'Send a notification again (audited: who and when)',
  description: 'Starts a new delivery round with fresh retries; 409 while one is still pending or when it has no recipient address.',
  tags: ['Notifications'],
  params: NotificationParams,
  problems: ['not-found', 'notification-not-resendable'],
  responses: { 202: { description: 'Accepted: the notification, pending', schema: NotificationView } },
});

/** Public operations served by the notification service (see route.ts). */
export const notificationRoutes: ApiRoute[] = [
  createNotificationRule,
  listNotificationRules,
  getNotificationRule,
  updateNotificationRule,
  deleteNotificationRule,
  listNotifications,
  getNotification,
  resendNotification,
];
