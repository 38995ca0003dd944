import { randomBytes } from 'node:crypto';
import type { Express } from 'express';
import { z } from 'zod';
import {
  CreateNotificationRuleBody,
  createNotificationRule,
  deleteNotificationRule,
  getNotification,
  getNotificationRule,
  keysetPage,
  listNotificationRules,
  listNotifications,
  mountRoute,
  pageFrom,
  resendNotification,
  updateNotificationRule,
  type Precondition,
} from '@lma/api';
import { ConflictError, NotFoundError, ValidationError, authenticate, type Clock, type ForwardVerifier } from '@lma/core';
import type { Store } from '@lma/store';
import { ruleView, notificationView } from './api/views';
import { resend } from './domain/delivery';
import { DEFAULT_STAGES, replaceRule, validateRule, type Recipients, type Rule } from './domain/rules';
import { resolveWebhookSecrets } from './domain/webhookSecrets';
import type { Aggregates, Models, Notification } from './infra/models';
import { scheduleDelivery, teamMembers } from './infra/notifier';

export interface AppDeps {
  models: Models;
  store: Store;
  aggregates: Aggregates;
  clock: Clock;
  /** The gateway's forwarded tokens (the only callers accepted). */
  auth: ForwardVerifier;
  /** Wakes the deliverer (a resend). */
  kick: () => void;
  /** Webhooks may point to internal addresses (NOTIFY_WEBHOOK_ALLOW_PRIVATE). */
  allowPrivateWebhooks: boolean;
}

/** Rule ids sort by creation: `nr_` + 12 hex digits of milliseconds + 12 random. */
const newRuleId = (now: Date): string => `nr_${now.getTime().toString(16).padStart(12, '0')}${randomBytes(6).toString('hex')}`;

type RuleInput = Pick<Rule, 'kind' | 'stages' | 'parkedMinutes' | 'recipients' | 'subject' | 'body'>;

/** Rules and the notification history (docs/notifications.md); every route is declared in @lma/api. */
export function createApp(deps: AppDeps) {
  const m = deps.models;
  const { rules, notifications } = deps.aggregates;

  async function check(rule: RuleInput): Promise<void> {
    const known = await teamMembers(m, rule.recipients.teamMemberIds);
    const errors = validateRule(rule, (id) => known.has(id), { allowPrivateWebhooks: deps.allowPrivateWebhooks });
    if (errors.length) throw new ValidationError(errors, 'The notification rule is invalid');
  }

  /** The recipients with every kept secret resolved against the rule's webhooks (`held`; null for a new rule). */
  function recipientsOf(input: z.output<typeof CreateNotificationRuleBody>['recipients'], held: Recipients | null): Recipients {
    const { webhooks, errors } = resolveWebhookSecrets(input.webhooks, held?.webhooks ?? null);
    if (errors.length) throw new ValidationError(errors, 'The notification rule is invalid');
    return { ...input, webhooks };
  }

  const normalize = (kind: Rule['kind'], stages: number[] | undefined, parkedMinutes: number | null | undefined) => ({
    stages: kind === 'license-expiring' ? [...(stages ?? DEFAULT_STAGES)].sort((a, b) => b - a) : [],
    parkedMinutes: kind === 'onboarding-parked' ? (parkedMinutes ?? null) : null,
  });

  return (app: Express): void => {
    app.use('/v1', authenticate(deps.auth));

    mountRoute(app, createNotificationRule, async ({ body, principal }, _req, res) => {
      const now = deps.clock.now();
      const b = body as z.output<typeof CreateNotificationRuleBody>;
      if (b.kind !== 'license-expiring' && b.stages !== undefined) throw new ValidationError([{ field: 'body.stages', reason: 'only license-expiring rules have stages' }]);
      const rule: Rule = {
        _id: newRuleId(now),
        name: b.name,
        kind: b.kind,
        packageId: b.packageId,
        enabled: b.enabled,
        ...normalize(b.kind, b.stages, b.parkedMinutes),
        recipients: recipientsOf(b.recipients, null),
        subject: b.subject,
        body: b.body,
        revision: 1,
        createdAt: now,
        createdBy: principal.subject,
        updatedAt: now,
        updatedBy: principal.subject,
      };
      await check(rule);
      // a random 48-bit suffix: taken already means something is badly wrong
      if (!(await rules.insertOnce(rule))) throw new ConflictError('already-exists', `Notification rule ${rule._id} exists already`);
      res.setHeader('Location', `/api/v1/notification-rules/${rule._id}`);
      return ruleView(rule);
    });

    mountRoute(app, listNotificationRules, async ({ query }) => {
      const { filter: after, sort } = keysetPage({}, '_id', 1, query.cursor);
      const filter = { ...(query.kind ? { kind: query.kind } : {}), ...(query.packageId ? { packageId: query.packageId } : {}), deletedAt: null, ...after };
      const docs = (await m.Rule.find(filter).sort(sort).limit(query.limit + 1).lean()) as Rule[];
      const page = pageFrom(docs, query.limit, (r) => r._id);
      return { items: page.items.map(ruleView), nextCursor: page.nextCursor };
    });

    /** The rule, unless there is none or it was deleted (404 either way). */
    const liveRule = async (ruleId: string): Promise<Rule> => {
      const rule = await rules.get(ruleId);
      if (!rule || rule.deletedAt) throw new NotFoundError(`Notification rule ${ruleId}`);
      return rule;
    };

    /**
     * Writes `next` over the revision it was decided on: a concurrent change of the same rule wins,
     * and the caller reloads and retries (412 when the caller's If-Match named the revision that lost).
     */
    const replace = async (current: Rule, next: Rule, precondition: Precondition): Promise<void> => {
      const r = await rules.update(current._id, (stored) => replaceRule(stored, current.revision, next));
      if (r.result === 'missing') throw new NotFoundError(`Notification rule ${current._id}`);
      if (r.result === 'changed-meanwhile') {
        if (r.state) precondition(r.state.revision);
        throw new ConflictError('revision-conflict', `Notification rule ${current._id} changed meanwhile; reload and retry`);
      }
    };

    mountRoute(app, getNotificationRule, async ({ params }) => ruleView(await liveRule(params.ruleId)));

    mountRoute(app, deleteNotificationRule, async ({ params, principal, precondition }) => {
      const current = await liveRule(params.ruleId);
      precondition(current.revision);
      const now = deps.clock.now();
      const deleted = { ...current, enabled: false, deletedAt: now, deletedBy: principal.subject, revision: current.revision + 1, updatedAt: now, updatedBy: principal.subject };
      await replace(current, deleted, precondition);
    });

    mountRoute(app, updateNotificationRule, async ({ params, body, principal, precondition }) => {
      const current = await liveRule(params.ruleId);
      precondition(current.revision);
      if (current.kind !== 'license-expiring' && body.stages !== undefined) throw new ValidationError([{ field: 'body.stages', reason: 'only license-expiring rules have stages' }]);
      const now = deps.clock.now();
      const next: Rule = {
        ...current,
        ...(body.name !== undefined ? { name: body.name } : {}),
        ...(body.packageId !== undefined ? { packageId: body.packageId } : {}),
        ...(body.enabled !== undefined ? { enabled: body.enabled } : {}),
        ...(body.recipients !== undefined ? { recipients: recipientsOf(body.recipients, current.recipients) } : {}),
        ...(body.subject !== undefined ? { subject: body.subject } : {}),
        ...(body.body !== undefined ? { body: body.body } : {}),
        ...normalize(current.kind, body.stages ?? current.stages, body.parkedMinutes === undefined ? current.parkedMinutes : body.parkedMinutes),
        revision: current.revision + 1,
        updatedAt: now,
        updatedBy: principal.subject,
      };
      await check(next);
      await replace(current, next, precondition);
      return ruleView(next);
    });

    mountRoute(app, listNotifications, async ({ query }) => {
      const { filter: after, sort } = keysetPage({}, 'sortKey', -1, query.cursor);
      const filter = {
        ...(query.licenseId ? { licenseId: query.licenseId } : {}),
        ...(query.packageId ? { packageId: query.packageId } : {}),
        ...(query.ruleId ? { ruleId: query.ruleId } : {}),
        ...(query.status ? { status: query.status } : {}),
        ...after,
      };
      // the first page of the whole history names its sort field (every notification has one)
      const docs = (await m.Notification.find(Object.keys(filter).length ? filter : { sortKey: { $exists: true } })
        .sort(sort)
        .limit(query.limit + 1)
        .lean()) as Notification[];
      const page = pageFrom(docs, query.limit, (n) => n.sortKey);
      return { items: page.items.map(notificationView), nextCursor: page.nextCursor };
    });

    mountRoute(app, getNotification, async ({ params }) => {
      const n = await notifications.get(params.notificationId);
      if (!n) throw new NotFoundError(`Notification ${params.notificationId}`);
      return notificationView(n);
    });

    mountRoute(app, resendNotification, async ({ params, principal }) => {
      const n = await notifications.get(params.notificationId);
      if (!n) throw new NotFoundError(`Notification ${params.notificationId}`);
      const refused = resend(n, principal.subject, deps.clock.now()).result;
      if (refused === 'still-pending') throw new ConflictError('notification-not-resendable', `Notification ${n._id} is still being delivered`);
      if (refused === 'no-recipient') throw new ConflictError('notification-not-resendable', `Notification ${n._id} has no recipient address`);
      const now = deps.clock.now();
      // a new round: its attempts are claimed anew and (email) get a new Message-ID, as it is meant to arrive again
      await scheduleDelivery(deps, n._id, n.round + 1, now);
      const r = await notifications.update(n._id, (current) => resend(current, principal.subject, now));
      if (r.result === 'missing') throw new NotFoundError(`Notification ${n._id}`);
      if (r.result !== 'resent' || !r.state) throw new ConflictError('notification-not-resendable', `Notification ${n._id} is being delivered again already`);
      deps.kick();
      return notificationView(r.state);
    });
  };
}
