import { describe, expect, it } from 'vitest';
import { claimAttempt, pendingVerdict, recordAttempt, resend, type Deliverable, type PendingDelivery } from '../src/domain/delivery';
import { replaceRule, type Rule } from '../src/domain/rules';

const policy = { maxAttempts: 3, initialMs: 1000, maxMs: 5000 };
const t0 = new Date('2026-01-01T00:00:00Z');
const after = (ms: number) => new Date(t0.getTime() + ms);
type N = Deliverable & { _id: string; channel: 'email' | 'webhook'; to: string[]; resends: { by: string; at: Date }[] };
const pending = (over: Partial<N> = {}): N => ({
  _id: 'n_1',
  channel: 'email',
  to: ['a@example.com'],
  resends: [],
  status: 'pending',
  round: 0,
  attempts: 0,
  nextAttemptAt: t0,
  inFlight: null,
  sentAt: null,
  lastError: null,
  lastResponse: null,
  log: [],
  ...over,
});
const claimBy = (owner: string, n: N | null, now = t0) => claimAttempt(n, { round: 0, owner, now, leaseMs: 60_000, policy });

describe('delivery attempts', () => {
  it('given a due notification, when two senders claim it on the same state, then the first write holds the attempt and the second finds it busy', () => {
    const claimed = claimBy('a', pending());
    expect(claimed.result).toEqual({ kind: 'claimed', attempt: 1 });
    expect(claimed.state!.inFlight).toEqual({ attempt: 1, owner: 'a', at: t0 });
    // the second decides again on the state the first wrote
    expect(claimBy('b', claimed.state!).result).toEqual({ kind: 'busy', until: after(60_000) });
  });

  it('given a claimed attempt, when it is sent, then it is recorded once, only by its holder', () => {
    const held = claimBy('a', pending()).state!;
    const outcome = { round: 0, attempt: 1, owner: 'a', at: after(50), durationMs: 50, response: '250 ok', error: null };
    expect(recordAttempt(held, { ...outcome, owner: 'b' }, policy)).toBeNull();
    const sent = recordAttempt(held, outcome, policy)!;
    expect(sent).toMatchObject({ status: 'sent', attempts: 1, inFlight: null, sentAt: after(50), lastResponse: '250 ok', nextAttemptAt: null });
    expect(sent.log).toEqual([{ round: 0, attempt: 1, at: after(50), outcome: 'sent', durationMs: 50, response: '250 ok', error: null }]);
    expect(recordAttempt(sent, outcome, policy)).toBeNull();
    expect(claimBy('a', sent).result).toEqual({ kind: 'gone' });
  });

  it('given failures, then it backs off and gives up after the last attempt', () => {
    let n = pending();
    for (let attempt = 1; attempt <= 3; attempt++) {
      const now = n.nextAttemptAt!;
      expect(claimBy('a', n, new Date(now.getTime() - 1)).result.kind).toBe('not-due');
      const held = claimBy('a', n, now).state!;
      n = recordAttempt(held, { round: 0, attempt, owner: 'a', at: now, durationMs: 1, response: null, error: 'ECONNREFUSED' }, policy)!;
    }
    expect(n).toMatchObject({ status: 'failed', attempts: 3, nextAttemptAt: null, lastError: 'ECONNREFUSED' });
    expect(n.log.map((l) => l.outcome)).toEqual(['failed', 'failed', 'failed']);
  });

  it('given a sender that stopped holding an attempt, when its lease is over, then the attempt is recorded as abandoned and the next one is due', () => {
    const held = claimBy('a', pending()).state!;
    expect(claimBy('b', held, after(59_999)).result.kind).toBe('busy');
    const abandoned = claimBy('b', held, after(60_000));
    expect(abandoned.result).toEqual({ kind: 'abandoned', status: 'pending', nextAttemptAt: after(60_000) });
    expect(abandoned.state).toMatchObject({ attempts: 1, inFlight: null, log: [expect.objectContaining({ attempt: 1, outcome: 'abandoned' })] });
    // the late sender's record no longer counts; the next attempt is number 2
    expect(recordAttempt(abandoned.state!, { round: 0, attempt: 1, owner: 'a', at: after(61_000), durationMs: 1, response: 'ok', error: null }, policy)).toBeNull();
    expect(claimBy('b', abandoned.state!, after(60_000)).result).toEqual({ kind: 'claimed', attempt: 2 });
  });

  it('resends a delivered notification as a new round, never one still being delivered or without recipients', () => {
    const sent = pending({ status: 'sent', attempts: 1 });
    const r = resend(sent, 'ops', t0);
    expect(r.result).toBe('resent');
    expect(r.state).toMatchObject({ status: 'pending', round: 1, attempts: 0, nextAttemptAt: t0, resends: [{ by: 'ops', at: t0 }] });
    expect(resend(r.state!, 'ops', t0).result).toBe('still-pending');
    expect(resend(pending({ status: 'failed', to: [] }), 'ops', t0).result).toBe('no-recipient');
    expect(resend(null, 'ops', t0).result).toBe('missing');
  });
});

describe('pending deliveries', () => {
  const p: PendingDelivery = { _id: 'n_1:1', notificationId: 'n_1', round: 1, nextAttemptAt: t0, since: t0 };
  const o = { graceMs: 1000, recheckMs: 100 };
  it('are attempted when due, moved to the next attempt, and dropped once their round is over', () => {
    expect(pendingVerdict(p, { status: 'pending', round: 1, nextAttemptAt: t0 }, t0, o)).toEqual({ kind: 'attempt' });
    expect(pendingVerdict(p, { status: 'pending', round: 1, nextAttemptAt: after(5000) }, t0, o)).toEqual({ kind: 'later', at: after(5000) });
    expect(pendingVerdict(p, { status: 'sent', round: 1, nextAttemptAt: null }, t0, o)).toEqual({ kind: 'drop' });
    expect(pendingVerdict(p, { status: 'pending', round: 2, nextAttemptAt: t0 }, t0, o)).toEqual({ kind: 'drop' });
  });

  it('look again soon for the notification (or round) they were filed for, and are dropped when it never came', () => {
    expect(pendingVerdict(p, null, after(10), o)).toEqual({ kind: 'later', at: after(110) });
    expect(pendingVerdict(p, { status: 'sent', round: 0, nextAttemptAt: null }, after(950), o)).toEqual({ kind: 'later', at: after(1000) });
    expect(pendingVerdict(p, null, after(1000), o)).toEqual({ kind: 'drop' });
  });
});

describe('rule changes', () => {
  const rule = { _id: 'nr_1', revision: 2, deletedAt: null } as unknown as Rule;
  it('replace the revision they were decided on, and only that one', () => {
    const next = { ...rule, revision: 3 };
    expect(replaceRule(rule, 2, next)).toEqual({ state: next, result: 'written' });
    expect(replaceRule({ ...rule, revision: 3 }, 2, next)).toEqual({ result: 'changed-meanwhile' });
    expect(replaceRule({ ...rule, deletedAt: t0 }, 2, next)).toEqual({ result: 'missing' });
    expect(replaceRule(null, 2, next)).toEqual({ result: 'missing' });
  });
});
