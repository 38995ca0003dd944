import type { Clock, Logger } from '@lma/core';
import type { Store } from '@lma/store';
import { pendingId, type PendingDelivery } from '../domain/delivery';
import { notificationId, ruleApplies, type Rule, type RuleKind } from '../domain/rules';
import { render, type TemplateValues } from '../domain/templates';
import type { Aggregates, Models, Notification, TeamMemberView } from './models';

export interface NotifierMetrics {
  created(kind: RuleKind, channel: string): void;
}

export interface NotifierDeps {
  models: Models;
  store: Store;
  aggregates: Aggregates;
  clock: Clock;
  logger: Logger;
  metrics: NotifierMetrics;
  /** Wakes the deliverer after new notifications were written. */
  kick: () => void;
}

/** What an alert is about: its occasion key (unique per rule) and the values its templates use. */
export interface Occasion {
  kind: RuleKind;
  occasion: string;
  packageId: string | null;
  licenseId?: string | null;
  subscriberOrgId?: string | null;
  leadId?: string | null;
  sagaId?: string | null;
  /** For lead-created: the lead's owner (the lead manager who got it). */
  ownerId?: string | null;
  occurredAt: Date;
  values: TemplateValues;
}

/** The enabled rules of a kind that apply to a package. */
export async function rulesFor(m: Models, kind: RuleKind, packageId: string | null): Promise<Rule[]> {
  const rules = (await m.Rule.find({ kind, enabled: true }).lean()) as Rule[];
  return rules.filter((r) => ruleApplies(r, packageId));
}

/** Team members by id (one `_id` read each), those in the directory only. */
export async function teamMembers(m: Models, ids: Iterable<string>): Promise<Map<string, TeamMemberView>> {
  const found = await Promise.all([...new Set(ids)].map(async (id) => (await m.TeamMember.findById(id).lean()) as TeamMemberView | null));
  return new Map(found.filter((t): t is TeamMemberView => t !== null).map((t) => [t._id, t]));
}

/** Email addresses of a rule's recipients; what could not be resolved is named in `unresolved`. */
async function resolveEmails(m: Models, rule: Rule, o: Occasion): Promise<{ to: string[]; unresolved: string[] }> {
  const r = rule.recipients;
  const to = new Set<string>(r.emails);
  const unresolved: string[] = [];
  const memberIds = new Set(r.teamMemberIds);
  if (r.leadManager) {
    const manager = o.ownerId ?? (o.packageId ? ((await m.PackageRouting.findById(o.packageId).lean())?.leadManagerId ?? null) : null);
    if (manager) memberIds.add(manager);
    else unresolved.push('leadManager: the package has no lead manager');
  }
  const direct = await teamMembers(m, memberIds);
  for (const id of memberIds) {
    const member = direct.get(id);
    if (!member) unresolved.push(`teamMember ${id}: not in the directory`);
    else if (!member.active) unresolved.push(`teamMember ${id}: inactive`);
    else if (!member.email) unresolved.push(`teamMember ${id}: no email known`);
    else to.add(member.email);
  }
  if (r.roles.length) {
    const byRole = await m.TeamMember.find({ roles: { $in: r.roles }, active: true }).lean();
    for (const member of byRole) if (member.email) to.add(member.email);
    for (const role of r.roles) if (!byRole.some((b) => b.roles.includes(role) && b.email)) unresolved.push(`role ${role}: no active member with an email`);
  }
  return { to: [...to].sort(), unresolved };
}

/**
 * Files a delivery to make, before the notification or round it is about is written (the
 * deliverer reads these); filed once, by whichever raise or resend comes first.
 */
export async function scheduleDelivery(deps: Pick<NotifierDeps, 'models' | 'store'>, id: string, round: number, at: Date): Promise<void> {
  const delivery: PendingDelivery = { _id: pendingId(id, round), notificationId: id, round, nextAttemptAt: at, since: at };
  await deps.store.claimKey(deps.models.PendingDelivery.collection.collectionName, { ...delivery });
}

/**
 * Raises an occasion: one notification per applying rule and target, each inserted once under its
 * derived id. A second raise of the same occasion (redelivered event, another replica, a re-run
 * scan) finds it and changes nothing.
 */
export async function raise(deps: NotifierDeps, o: Occasion, rules?: Rule[]): Promise<number> {
  const { notifications } = deps.aggregates;
  const applying = rules ?? (await rulesFor(deps.models, o.kind, o.packageId));
  let created = 0;
  const now = deps.clock.now();
  for (const rule of applying) {
    const values = { ...o.values, ruleName: rule.name, occurredAt: o.occurredAt.toISOString() };
    const subject = render(rule.subject, values).replace(/[\r\n]+/g, ' ');
    const body = render(rule.body, values);
    const base = {
      ruleId: rule._id,
      ruleName: rule.name,
      kind: o.kind,
      occasion: o.occasion,
      licenseId: o.licenseId ?? null,
      packageId: o.packageId,
      subscriberOrgId: o.subscriberOrgId ?? null,
      leadId: o.leadId ?? null,
      sagaId: o.sagaId ?? null,
      subject,
      body,
      round: 0,
      attempts: 0,
      inFlight: null,
      createdAt: now,
      sortKey: now.toISOString(),
      occurredAt: o.occurredAt,
      sentAt: null,
      lastResponse: null,
      log: [],
      resends: [],
    };
    // per target: its id, and the notification (built only when it was not raised before)
    const targets: { id: string; make: () => Promise<Notification> }[] = [];
    const r = rule.recipients;
    if (r.emails.length || r.teamMemberIds.length || r.roles.length || r.leadManager) {
      const id = notificationId(rule._id, o.occasion, 'email');
      targets.push({ id, make: async () => {
        const { to, unresolved } = await resolveEmails(deps.models, rule, o);
        return {
          ...base,
          _id: id,
          target: 'email',
          channel: 'email',
          to,
          unresolved,
          webhookId: null,
          payload: {},
          status: to.length ? 'pending' : 'failed',
          nextAttemptAt: to.length ? now : null,
          lastError: to.length ? null : `no recipient address: ${unresolved.join('; ')}`,
        };
      } });
    }
    for (const w of r.webhooks) {
      const id = notificationId(rule._id, o.occasion, `webhook:${w.id}`);
      targets.push({ id, make: async () => ({
        ...base,
        _id: id,
        target: `webhook:${w.id}`,
        channel: 'webhook',
        to: [w.url],
        unresolved: [],
        webhookId: w.id,
        payload: { id, kind: o.kind, ruleId: rule._id, occasion: o.occasion, occurredAt: o.occurredAt.toISOString(), subject, body, data: o.values },
        status: 'pending',
        nextAttemptAt: now,
        lastError: null,
      }) });
    }
    for (const { id, make } of targets) {
      // raised before: nothing to do (and no delivery to file)
      if (await notifications.get(id)) continue;
      const doc = await make();
      if (doc.status === 'pending') await scheduleDelivery(deps, doc._id, 0, now);
      if (!(await notifications.insertOnce(doc))) continue;
      created++;
      deps.metrics.created(o.kind, doc.channel);
      deps.logger.info({ notification_id: doc._id, rule_id: rule._id, kind: o.kind, channel: doc.channel }, 'notification raised');
    }
  }
  if (created) deps.kick();
  return created;
}
