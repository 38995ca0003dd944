export type NotificationStatus = 'pending' | 'sent' | 'failed';
export type Channel = 'email' | 'webhook';

export interface RetryPolicy {
  maxAttempts: number;
  initialMs: number;
  maxMs: number;
}

/** Exponential backoff: initial, 2x, 4x ... capped at maxMs. */
export const backoffMs = (attempt: number, p: RetryPolicy): number => Math.min(p.maxMs, p.initialMs * 2 ** Math.max(0, attempt - 1));

/** After attempt number `attempt` failed: retry later, or give up (`failed`) once the attempts are used. */
export function afterFailure(attempt: number, now: Date, p: RetryPolicy): { status: NotificationStatus; nextAttemptAt: Date | null } {
  if (attempt >= p.maxAttempts) return { status: 'failed', nextAttemptAt: null };
  return { status: 'pending', nextAttemptAt: new Date(now.getTime() + backoffMs(attempt, p)) };
}

/** The Message-ID of a notification's mail: the same on every retry of a round, so a receiver can drop a repeat. */
export const messageId = (notificationId: string, round: number, domain: string): string =>
  round === 0 ? `<${notificationId}@${domain}>` : `<${notificationId}.r${round}@${domain}>`;

/** The `webhook-id` of a notification's webhook delivery: the same on every retry of a round; a manual resend is a new message. */
export const webhookMessageId = (notificationId: string, round: number): string => (round === 0 ? notificationId : `${notificationId}.r${round}`);

export interface DeliveryAttempt {
  round: number;
  attempt: number;
  at: Date;
  outcome: 'sent' | 'failed' | 'abandoned';
  durationMs: number;
  response: string | null;
  error: string | null;
}

/** The attempt a sender holds: claimed in the notification itself, so one replica makes each attempt. */
export interface InFlight {
  attempt: number;
  owner: string;
  at: Date;
}

/** The delivery state of a notification (the rest of it is what it says and to whom). */
export interface Deliverable {
  status: NotificationStatus;
  /** 0 for the automatic delivery; +1 per manual resend. */
  round: number;
  /** Attempts made in the current round. */
  attempts: number;
  nextAttemptAt: Date | null;
  inFlight?: InFlight | null;
  sentAt: Date | null;
  lastError: string | null;
  lastResponse: string | null;
  log: DeliveryAttempt[];
}

export type ClaimResult =
  | { kind: 'claimed'; attempt: number }
  /** A sender died holding the attempt: it is recorded as abandoned (the next one is due at once unless it was the last). */
  | { kind: 'abandoned'; status: NotificationStatus; nextAttemptAt: Date | null }
  /** Another sender holds the attempt until `until`. */
  | { kind: 'busy'; until: Date }
  | { kind: 'not-due'; at: Date | null }
  /** Not pending in this round (sent, given up, resent). */
  | { kind: 'gone' };

const ABANDONED = 'lease expired: the sender stopped mid-attempt';

/**
 * Claims the next attempt of `round` for `owner`: of several replicas deciding on the same state,
 * the one whose write lands makes the attempt. An attempt held longer than `leaseMs` was
 * abandoned by a sender that stopped: it counts as a failed attempt, and the next one is due.
 */
export function claimAttempt<N extends Deliverable>(
  n: N | null,
  o: { round: number; owner: string; now: Date; leaseMs: number; policy: RetryPolicy },
): { state?: N; result: ClaimResult } {
  if (!n || n.status !== 'pending' || n.round !== o.round) return { result: { kind: 'gone' } };
  const t = o.now.getTime();
  if (n.inFlight) {
    const until = n.inFlight.at.getTime() + o.leaseMs;
    if (t < until) return { result: { kind: 'busy', until: new Date(until) } };
    const attempt = n.inFlight.attempt;
    const f = afterFailure(attempt, o.now, o.policy);
    const nextAttemptAt = f.status === 'failed' ? null : o.now;
    const entry: DeliveryAttempt = { round: n.round, attempt, at: o.now, outcome: 'abandoned', durationMs: 0, response: null, error: ABANDONED };
    return {
      state: { ...n, attempts: attempt, status: f.status, nextAttemptAt, inFlight: null, lastError: ABANDONED, log: [...n.log, entry] },
      result: { kind: 'abandoned', status: f.status, nextAttemptAt },
    };
  }
  if (n.nextAttemptAt && n.nextAttemptAt.getTime() > t) return { result: { kind: 'not-due', at: n.nextAttemptAt } };
  const attempt = n.attempts + 1;
  return { state: { ...n, inFlight: { attempt, owner: o.owner, at: o.now } }, result: { kind: 'claimed', attempt } };
}

export interface AttemptOutcome {
  round: number;
  attempt: number;
  owner: string;
  at: Date;
  durationMs: number;
  /** Set when the receiver accepted it. */
  response: string | null;
  error: string | null;
}

/**
 * Records the outcome of an attempt its sender still holds: sent, or failed and retried after a
 * backoff, or failed for good after the last attempt. Null when the claim is no longer its (its
 * lease ran out and the attempt was recorded as abandoned).
 */
export function recordAttempt<N extends Deliverable>(n: N | null, o: AttemptOutcome, policy: RetryPolicy): N | null {
  if (!n || n.round !== o.round || n.inFlight?.attempt !== o.attempt || n.inFlight.owner !== o.owner) return null;
  const sent = o.response !== null && o.error === null;
  const entry: DeliveryAttempt = { round: o.round, attempt: o.attempt, at: o.at, outcome: sent ? 'sent' : 'failed', durationMs: o.durationMs, response: o.response, error: o.error };
  if (sent) return { ...n, attempts: o.attempt, status: 'sent', nextAttemptAt: null, inFlight: null, sentAt: o.at, lastResponse: o.response, lastError: null, log: [...n.log, entry] };
  const f = afterFailure(o.attempt, o.at, policy);
  return { ...n, attempts: o.attempt, status: f.status, nextAttemptAt: f.nextAttemptAt, inFlight: null, lastError: o.error, log: [...n.log, entry] };
}

export type ResendResult = 'resent' | 'missing' | 'still-pending' | 'no-recipient';

/** A manual resend: a new round (new Message-ID), audited; refused while a delivery is under way or when there is nobody to send to. */
export function resend<N extends Deliverable & { channel: Channel; to: string[]; resends: { by: string; at: Date }[] }>(
  n: N | null,
  by: string,
  now: Date,
): { state?: N; result: ResendResult } {
  if (!n) return { result: 'missing' };
  if (n.status === 'pending') return { result: 'still-pending' };
  if (n.channel === 'email' && n.to.length === 0) return { result: 'no-recipient' };
  return {
    state: { ...n, status: 'pending', round: n.round + 1, attempts: 0, nextAttemptAt: now, inFlight: null, lastError: null, resends: [...n.resends, { by, at: now }] },
    result: 'resent',
  };
}

/**
 * A notification awaiting delivery in one round (`_id` `<notificationId>:<round>`): the
 * deliverer reads these, never the history. Written before the notification (or its new round)
 * is, removed once the round is sent or given up; the notification decides, so a stale one is
 * harmless.
 */
export interface PendingDelivery {
  _id: string;
  notificationId: string;
  round: number;
  nextAttemptAt: Date;
  since: Date;
}

export const pendingId = (notificationId: string, round: number): string => `${notificationId}:${round}`;

export type PendingVerdict = { kind: 'attempt' } | { kind: 'drop' } | { kind: 'later'; at: Date };

/**
 * What the deliverer does with a pending delivery, given its notification as stored. A
 * notification that is absent (or still in an earlier round) is about to be written: looked at
 * again after `recheckMs`, dropped when it has not come `graceMs` after the delivery was filed.
 */
export function pendingVerdict(
  p: PendingDelivery,
  n: Pick<Deliverable, 'status' | 'round' | 'nextAttemptAt'> | null,
  now: Date,
  o: { graceMs: number; recheckMs: number },
): PendingVerdict {
  if (!n || n.round < p.round) {
    const until = p.since.getTime() + o.graceMs;
    return now.getTime() >= until ? { kind: 'drop' } : { kind: 'later', at: new Date(Math.min(until, now.getTime() + o.recheckMs)) };
  }
  if (n.round > p.round || n.status !== 'pending') return { kind: 'drop' };
  if (n.nextAttemptAt && n.nextAttemptAt.getTime() > now.getTime()) return { kind: 'later', at: n.nextAttemptAt };
  return { kind: 'attempt' };
}
