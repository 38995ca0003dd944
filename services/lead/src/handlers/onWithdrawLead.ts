import { ReplyType, WithdrawLeadV1, installationKey, parseData, traceContext, type CloudEvent, type LeadWithdrawnV1 } from '@lma/contracts';
import type { Clock } from '@lma/core';
import { withdrawnLead } from '../domain/lead';
import type { LeadData } from '../infra/aggregates';
import { answerCommand } from '../infra/answeredCommands';
import { sagaReply } from '../infra/events';
import { releaseOpenKey } from '../infra/keys';

export interface WithdrawLeadDeps {
  data: LeadData;
  clock: Clock;
}

/**
 * Saga undo "withdraw the lead": only the lead that saga created, and only while it is still
 * Open (a lead reused by other installs, or converted meanwhile, stays). Always answered, so
 * the saga can finish its undo: with the lead's own write when it is withdrawn, through the
 * command's outbox otherwise; a redelivery answers again with the same reply id.
 */
export function onWithdrawLead(deps: WithdrawLeadDeps) {
  return async (event: CloudEvent<unknown>): Promise<void> => {
    const cmd = parseData(WithdrawLeadV1, event.data);
    const now = deps.clock.now();
    const trace = traceContext(event);
    const data: LeadWithdrawnV1 = { sagaId: cmd.sagaId, commandId: cmd.commandId, leadId: cmd.leadId };

    const withdrawn = await deps.data.leads.update(cmd.leadId, (lead) => {
      const next = withdrawnLead(lead, cmd.sagaId, cmd.reason, now);
      if (!next) return null;
      const reply = sagaReply(cmd.commandId, ReplyType.LeadWithdrawn, event.key ?? installationKey(next.packageId, next.subscriberOrgId), data, now, trace);
      return { state: next, events: [reply] };
    });
    if (withdrawn.written && withdrawn.state) await releaseOpenKey(deps.data, withdrawn.state);
    else await answerCommand(deps.data, cmd, sagaReply(cmd.commandId, ReplyType.LeadWithdrawn, event.key, data, now, trace), now);
  };
}
