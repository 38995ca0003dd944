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

/**
 * The claim of one attempt: inserting it (a unique `_id`) is what lets exactly one replica make
 * attempt `attempt`. A manual resend starts a new round, so its attempts get new claims.
 */
export const claimId = (notificationId: string, round: number, attempt: number): string => `${notificationId}:${round}:${attempt}`;

/** The Message-ID of a notification's mail: the same on every retry of a round, so a receiver can drop a repeat. */
export const messageId = (notificationId: string, round: number, domain: string): string =>
  round === 0 ? `<${notificationId}@${domain}>` : `<${notificationId}.r${round}@${domain}>`;
