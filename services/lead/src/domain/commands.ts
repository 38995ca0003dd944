/**
 * A saga command answered without a change of a lead (parked, matched to a contact or another
 * lead, a withdrawal with nothing to withdraw, a repeated command): recorded as a small aggregate
 * keyed by the command id, so that its reply leaves through that aggregate's outbox like every
 * other event (written once, published after the write, again after a crash). Each delivery
 * answers again, with the reply's deterministic id: the saga takes a repeated reply once.
 */
export interface AnsweredCommand {
  /** The command id. */
  _id: string;
  sagaId: string;
  /** The type of the latest reply. */
  replyType: string;
  /** How many times the command was answered (deliveries, redeliveries). */
  answers: number;
  answeredAt: Date;
}

export function answeredCommand(current: AnsweredCommand | null, command: { commandId: string; sagaId: string }, replyType: string, now: Date): AnsweredCommand {
  return { _id: command.commandId, sagaId: command.sagaId, replyType, answers: (current?.answers ?? 0) + 1, answeredAt: now };
}
