import type { Clock, Logger } from '@lma/core';
import { claimAttempt, messageId, pendingVerdict, recordAttempt, webhookMessageId, type Channel, type PendingDelivery, type RetryPolicy } from '../domain/delivery';
import type { Rule, RuleKind } from '../domain/rules';
import type { Aggregates, Models, Notification } from '../infra/models';
import type { Email, SendResult, Webhook } from '../infra/senders';

export interface DeliveryMetrics {
  attempt(channel: Channel, kind: RuleKind, outcome: 'sent' | 'retry' | 'failed', seconds: number): void;
}

export interface DelivererDeps {
  models: Models;
  aggregates: Aggregates;
  clock: Clock;
  logger: Logger;
  metrics: DeliveryMetrics;
  policy: RetryPolicy;
  leaseMs: number;
  intervalMs: number;
  owner: string;
  messageIdDomain: string;
  sendEmail: (mail: Email) => Promise<SendResult>;
  sendWebhook: (hook: Webhook) => Promise<SendResult>;
}

const BATCH = 20;
const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err)).slice(0, 300);

/**
 * Sends due notifications, found through the pending deliveries (never the history). Before an
 * attempt, the sender claims it in the notification (`inFlight`, a version-conditional write):
 * only one replica wins it, so an attempt is made once. A sender that dies after claiming leaves
 * the claim; after the lease another replica records that attempt as abandoned and makes the next
 * one (the one at-least-once window: the dead sender may have sent before dying; the mail's
 * Message-ID and the webhook's LMA-Delivery-Id stay the same, so the receiver can drop the repeat).
 */
export function startDeliverer(deps: DelivererDeps): { kick(): void; stop(): Promise<void> } {
  const m = deps.models;
  const { notifications } = deps.aggregates;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;

  /** The delivery's next look, or its end: after the notification it is about was written. */
  const reschedule = (id: string, at: Date) => m.PendingDelivery.updateOne({ _id: id }, { $set: { nextAttemptAt: at } });
  const drop = (id: string) => m.PendingDelivery.deleteOne({ _id: id });

  async function deliver(p: PendingDelivery): Promise<void> {
    const now = deps.clock.now();
    const n = await notifications.get(p.notificationId);
    const verdict = pendingVerdict(p, n, now, { graceMs: deps.leaseMs, recheckMs: deps.intervalMs });
    if (verdict.kind === 'drop') await drop(p._id);
    else if (verdict.kind === 'later') await reschedule(p._id, verdict.at);
    else await attempt(p, n!);
  }

  async function attempt(p: PendingDelivery, n: Notification): Promise<void> {
    const now = deps.clock.now();
    const claim = await notifications.update(n._id, (current) => claimAttempt(current, { round: n.round, owner: deps.owner, now, leaseMs: deps.leaseMs, policy: deps.policy }));
    const c = claim.result!;
    switch (c.kind) {
      case 'gone':
        await drop(p._id);
        return;
      case 'busy':
        await reschedule(p._id, c.until);
        return;
      case 'not-due':
        if (c.at) await reschedule(p._id, c.at);
        return;
      case 'abandoned':
        deps.logger.warn({ notification_id: n._id, final: c.status === 'failed' }, 'notification attempt abandoned by a sender that stopped');
        if (c.status === 'pending' && c.nextAttemptAt) await reschedule(p._id, c.nextAttemptAt);
        else await drop(p._id);
        return;
    }
    const started = performance.now();
    let result: SendResult | undefined;
    let error: string | undefined;
    try {
      result = await send(claim.state!);
    } catch (err) {
      error = errorText(err);
    }
    const done = deps.clock.now();
    const durationMs = Math.round(performance.now() - started);
    const outcome = { round: n.round, attempt: c.attempt, owner: deps.owner, at: done, durationMs, response: result?.response ?? null, error: result ? null : (error ?? 'no answer') };
    const recorded = await notifications.update(n._id, (current) => {
      const next = recordAttempt(current, outcome, deps.policy);
      return next && { state: next };
    });
    if (!recorded.written || !recorded.state) {
      deps.logger.warn({ notification_id: n._id, attempt: c.attempt }, 'attempt not recorded: its lease ran out and another replica took it over');
      return;
    }
    const after = recorded.state;
    if (after.status === 'pending' && after.nextAttemptAt) await reschedule(p._id, after.nextAttemptAt);
    else await drop(p._id);
    const seconds = durationMs / 1000;
    if (result) {
      deps.metrics.attempt(n.channel, n.kind, 'sent', seconds);
      deps.logger.info({ notification_id: n._id, channel: n.channel, attempt: c.attempt }, 'notification sent');
      return;
    }
    deps.metrics.attempt(n.channel, n.kind, after.status === 'failed' ? 'failed' : 'retry', seconds);
    deps.logger.warn({ notification_id: n._id, channel: n.channel, attempt: c.attempt, error, final: after.status === 'failed' }, 'notification attempt failed');
  }

  async function send(n: Notification): Promise<SendResult> {
    if (n.channel === 'email') {
      return await deps.sendEmail({
        to: n.to,
        subject: n.subject,
        text: n.body,
        messageId: messageId(n._id, n.round, deps.messageIdDomain),
        headers: { 'X-LMA-Notification-Id': n._id, 'X-LMA-Rule-Id': n.ruleId },
      });
    }
    // the endpoint's current secrets: a rotation applies to deliveries still pending
    const rule = (await m.Rule.findById(n.ruleId, { recipients: 1 }).lean()) as Pick<Rule, 'recipients'> | null;
    const endpoint = rule?.recipients.webhooks.find((w) => w.id === n.webhookId);
    if (!endpoint) throw new Error(`webhook ${n.webhookId} is no longer part of rule ${n.ruleId}`);
    const timestamp = String(Math.floor(deps.clock.now().getTime() / 1000));
    return await deps.sendWebhook({ url: endpoint.url, secrets: endpoint.secrets, id: webhookMessageId(n._id, n.round), body: JSON.stringify(n.payload), timestamp });
  }

  async function drain(): Promise<void> {
    do {
      again = false;
      const now = deps.clock.now();
      const due = (await m.PendingDelivery.find({ nextAttemptAt: { $lte: now } }).sort({ nextAttemptAt: 1 }).limit(BATCH).lean()) as PendingDelivery[];
      await Promise.all(due.map((p) => deliver(p).catch((err: unknown) => deps.logger.error({ err, notification_id: p.notificationId }, 'delivery attempt could not be recorded'))));
      if (due.length === BATCH) again = true;
    } while (again && !stopped);
  }

  const run = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = drain()
      .catch((err: unknown) => deps.logger.error({ err }, 'delivery run failed'))
      .finally(() => (running = undefined));
  };
  const timer = setInterval(run, deps.intervalMs);
  return {
    kick: run,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
