import type { TopicEvent } from '@lma/contracts';
import { answeredCommand } from '../domain/commands';
import type { LeadData } from './aggregates';

/**
 * Answers a saga command whose outcome changes no lead: the reply leaves through the outbox of the
 * command's own small aggregate (domain/commands.ts), never by a publish beside a write.
 */
export async function answerCommand(data: Pick<LeadData, 'answeredCommands'>, command: { commandId: string; sagaId: string }, reply: TopicEvent, now: Date): Promise<void> {
  await data.answeredCommands.update(command.commandId, (current) => ({ state: answeredCommand(current, command, reply.type, now), events: [reply] }));
}
