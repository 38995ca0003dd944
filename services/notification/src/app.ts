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
} from '@lma/api';
import { ConflictError, NotFoundError, ValidationError, authenticate, type AuthOptions, type Clock } from '@lma/core';
import { ruleView, notificationView } from './api/views';
import { DEFAULT_STAGES, validateRule, type Rule } from './domain/rules';
import type { Models, Notification } from './infra/models';

export interface AppDeps {
  models: Models;
  clock: Clock;
  auth: AuthOptions | undefined;
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

  async function check(rule: RuleInput): Promise<void> {
    const ids = rule.recipients.teamMemberIds;
    const known = new Set(ids.length ? (await m.TeamMember.find({ _id: { $in: ids } }, { _id: 1 }).lean()).map((t) => t._id) : []);
    const errors = validateRule(rule, (id) => known.has(id), { allowPrivateWebhooks: deps.allowPrivateWebhooks });
    if (errors.length) throw new ValidationError(errors, 'The notification rule is invalid');
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
        recipients: b.recipients,
        subject: b.subject,
        body: b.body,
        revision: 1,
        createdAt: now,
        createdBy: principal.subject,
        updatedAt: now,
        updatedBy: principal.subject,
      };
      await check(rule);
      await m.Rule.create(rule);
      res.setHeader('Location', `/api/v1/notification-rules/${rule._id}`);
      return ruleView(rule);
    });

    mountRoute(app, listNotificationRules, async ({ query }) => {
      const filter = { ...(query.kind ? { kind: query.kind } : {}), ...(query.packageId ? { packageId: query.packageId } : {}), deletedAt: null };
      const { filter: f, sort } = keysetPage(filter, '_id', 1, query.cursor);
      const docs = (await m.Rule.find(f).sort(sort).limit(query.limit + 1).lean()) as Rule[];
      const page = pageFrom(docs, query.limit, (r) => r._id);
      return { items: page.items.map(ruleView), nextCursor: page.nextCursor };
    });

    /** The rule, unless there is none or it was deleted (404 either way). */
    const liveRule = async (ruleId: string): Promise<Rule> => {
      const rule = (await m.Rule.findById(ruleId).lean()) as Rule | null;
      if (!rule || rule.deletedAt) throw new NotFoundError(`Notification rule ${ruleId}`);
      return rule;
    };

    mountRoute(app, getNotificationRule, async ({ params }) => ruleView(await liveRule(params.ruleId)));

    mountRoute(app, deleteNotificationRule, async ({ params, principal }) => {
      const current = await liveRule(params.ruleId);
      const now = deps.clock.now();
      const deleted: Rule = { ...current, enabled: false, deletedAt: now, deletedBy: principal.subject, revision: current.revision + 1, updatedAt: now, updatedBy: principal.subject };
      const r = await m.Rule.replaceOne({ _id: current._id, revision: current.revision }, deleted);
      if (r.matchedCount === 0) throw new ConflictError(`Notification rule ${current._id} changed meanwhile; reload and retry`);
    });

    mountRoute(app, updateNotificationRule, async ({ params, body, principal }) => {
      const current = await liveRule(params.ruleId);
      if (current.kind !== 'license-expiring' && body.stages !== undefined) throw new ValidationError([{ field: 'body.stages', reason: 'only license-expiring rules have stages' }]);
      const now = deps.clock.now();
      const next: Rule = {
        ...current,
        ...(body.name !== undefined ? { name: body.name } : {}),
        ...(body.packageId !== undefined ? { packageId: body.packageId } : {}),
        ...(body.enabled !== undefined ? { enabled: body.enabled } : {}),
        ...(body.recipients !== undefined ? { recipients: body.recipients } : {}),
        ...(body.subject !== undefined ? { subject: body.subject } : {}),
        ...(body.body !== undefined ? { body: body.body } : {}),
        ...normalize(current.kind, body.stages ?? current.stages, body.parkedMinutes === undefined ? current.parkedMinutes : body.parkedMinutes),
        revision: current.revision + 1,
        updatedAt: now,
        updatedBy: principal.subject,
      };
      await check(next);
      // a concurrent change of the same rule loses (revision guard): the caller reloads and retries
      const r = await m.Rule.replaceOne({ _id: current._id, revision: current.revision }, next);
      if (r.matchedCount === 0) throw new ConflictError(`Notification rule ${current._id} changed meanwhile; reload and retry`);
      return ruleView(next);
    });

    mountRoute(app, listNotifications, async ({ query }) => {
      const filter = {
        ...(query.licenseId ? { licenseId: query.licenseId } : {}),
        ...(query.packageId ? { packageId: query.packageId } : {}),
        ...(query.ruleId ? { ruleId: query.ruleId } : {}),
        ...(query.status ? { status: query.status } : {}),
      };
      const { filter: f, sort } = keysetPage(filter, 'sortKey', -1, query.cursor);
      const docs = (await m.Notification.find(f).sort(sort).limit(query.limit + 1).lean()) as Notification[];
      const page = pageFrom(docs, query.limit, (n) => n.sortKey);
      return { items: page.items.map(notificationView), nextCursor: page.nextCursor };
    });

    mountRoute(app, getNotification, async ({ params }) => {
      const n = (await m.Notification.findById(params.notificationId).lean()) as Notification | null;
      if (!n) throw new NotFoundError(`Notification ${params.notificationId}`);
      return notificationView(n);
    });

    mountRoute(app, resendNotification, async ({ params, principal }) => {
      const n = (await m.Notification.findById(params.notificationId).lean()) as Notification | null;
      if (!n) throw new NotFoundError(`Notification ${params.notificationId}`);
      if (n.status === 'pending') throw new ConflictError(`Notification ${n._id} is still being delivered`);
      if (n.channel === 'email' && n.to.length === 0) throw new ConflictError(`Notification ${n._id} has no recipient address`);
      const now = deps.clock.now();
      const resend = { by: principal.subject, at: now };
      // a new round: its attempts get new claims and (email) a new Message-ID, as it is meant to arrive again
      await m.Notification.updateOne(
        { _id: n._id },
        { $set: { status: 'pending', round: n.round + 1, attempts: 0, nextAttemptAt: now, lastError: null }, $push: { resends: resend } },
      );
      deps.kick();
      return notificationView({ ...n, status: 'pending', round: n.round + 1, attempts: 0, nextAttemptAt: now, lastError: null, resends: [...n.resends, resend] });
    });
  };
}
