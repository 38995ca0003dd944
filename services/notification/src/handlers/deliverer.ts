import { isDuplicateKey, type Clock, type Logger } from '@lma/core';
import { afterFailure, claimId, messageId, type Channel, type RetryPolicy } from '../domain/delivery';
import type { Rule, RuleKind } from '../domain/rules';
import type { DeliveryAttempt, Models, Notification } from '../infra/models';
import type { Email, SendResult, Webhook } from '../infra/senders';

export interface DeliveryMetrics {
  attempt(channel: Channel, kind: RuleKind, outcome: 'sent' | 'retry' | 'failed', seconds: number): void;
}

export interface DelivererDeps {
  models: Models;
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
 * Sends due notifications. Before an attempt, its claim (`<id>:<round>:<attempt>`) is inserted:
 * only one replica wins it, so an attempt is made once. A sender that dies after claiming leaves
 * the notification pending with the claim; after the lease another replica records that attempt
 * as abandoned and makes the next one (the one at-least-once window: the dead sender may have
 * sent before dying; the mail's Message-ID and the webhook's LMA-Delivery-Id stay the same, so
 * the receiver can drop the repeat).
 */
export function startDeliverer(deps: DelivererDeps): { kick(): void; stop(): Promise<void> } {
  const m = deps.models;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;

  async function attempt(n: Notification): Promise<void> {
    const next = n.attempts + 1;
    const claim = claimId(n._id, n.round, next);
    const now = deps.clock.now();
    try {
      await m.Claim.create({ _id: claim, notificationId: n._id, claimedAt: now, owner: deps.owner });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const held = await m.Claim.findById(claim).lean();
      if (!held || now.getTime() - held.claimedAt.getTime() < deps.leaseMs) return; // in flight elsewhere
      const current = await m.Notification.findById(n._id, { status: 1, round: 1, attempts: 1 }).lean();
      if (!current || current.status !== 'pending' || current.round !== n.round || current.attempts !== n.attempts) return;
      const f = afterFailure(next, now, deps.policy);
      const entry: DeliveryAttempt = { round: n.round, attempt: next, at: now, outcome: 'abandoned', durationMs: 0, response: null, error: 'lease expired: the sender stopped mid-attempt' };
      await m.Notification.updateOne({ _id: n._id }, { $set: { attempts: next, status: f.status, nextAttemptAt: f.status === 'failed' ? null : now, lastError: entry.error }, $push: { log: entry } });
      return;
    }
    const started = performance.now();
    let result: SendResult | undefined;
    let error: string | undefined;
    try {
      result = await send(n);
    } catch (err) {
      error = errorText(err);
    }
    const done = deps.clock.now();
    const durationMs = Math.round(performance.now() - started);
    const entry: DeliveryAttempt = { round: n.round, attempt: next, at: done, outcome: result ? 'sent' : 'failed', durationMs, response: result?.response ?? null, error: error ?? null };
    const seconds = durationMs / 1000;
    if (result) {
      await m.Notification.updateOne({ _id: n._id }, { $set: { attempts: next, status: 'sent', nextAttemptAt: null, sentAt: done, lastResponse: result.response, lastError: null }, $push: { log: entry } });
      deps.metrics.attempt(n.channel, n.kind, 'sent', seconds);
      deps.logger.info({ notification_id: n._id, channel: n.channel, attempt: next }, 'notification sent');
      return;
    }
    const f = afterFailure(next, done, deps.policy);
    await m.Notification.updateOne({ _id: n._id }, { $set: { attempts: next, status: f.status, nextAttemptAt: f.nextAttemptAt, lastError: error }, $push: { log: entry } });
    deps.metrics.attempt(n.channel, n.kind, f.status === 'failed' ? 'failed' : 'retry', seconds);
    deps.logger.warn({ notification_id: n._id, channel: n.channel, attempt: next, error, final: f.status === 'failed' }, 'notification attempt failed');
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
    return await deps.sendWebhook({ url: endpoint.url, secrets: endpoint.secrets, deliveryId: n._id, event: n.kind, body: JSON.stringify(n.payload), timestamp });
  }

  async function drain(): Promise<void> {
    do {
      again = false;
      const now = deps.clock.now();
      const due = (await m.Notification.find({ status: 'pending', nextAttemptAt: { $lte: now } }).sort({ nextAttemptAt: 1 }).limit(BATCH).lean()) as Notification[];
      await Promise.all(due.map((n) => attempt(n).catch((err: unknown) => deps.logger.error({ err, notification_id: n._id }, 'delivery attempt could not be recorded'))));
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
