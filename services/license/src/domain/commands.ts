/**
 * A command answered without a change of a license to carry its reply (a parked or failed
 * CreateLicense, an existing license confirmed, a refresh job's report of unseen licenses):
 * recorded as a small aggregate keyed by the command, so the reply leaves through its outbox like
 * every other event (written once, published after the write, again after a crash). Each delivery
 * answers again with the reply's deterministic id: the receiver takes a repeated reply once.
 */
export interface AnsweredCommand {
  /** The command id (a refresh job's report: `unseen:<jobId>`). */
  _id: string;
  /** The type of the latest reply. */
  replyType: string;
  /** How many times the command was answered (deliveries, redeliveries, re-sends). */
  answers: number;
  answeredAt: Date;
}

export function answeredCommand(current: AnsweredCommand | null, commandId: string, replyType: string, now: Date): AnsweredCommand {
  return { _id: commandId, replyType, answers: (current?.answers ?? 0) + 1, answeredAt: now };
}
