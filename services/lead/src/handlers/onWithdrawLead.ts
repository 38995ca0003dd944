import { ReplyType, WithdrawLeadV1, installationKey, parseData, type CloudEvent, type LeadWithdrawnV1, traceContext } from '@lma/contracts';
import type { Clock } from '@lma/core';
import { outboxUpdate, type DocumentLocks, type Publisher } from '@lma/kafka';
import { mayWithdraw } from '../domain/lead';
import { sagaReply } from '../infra/events';
import type { Models } from '../infra/models';

export interface WithdrawLeadDeps {
  models: Models;
  publisher: Publisher;
  locks: DocumentLocks;
  clock: Clock;
  kick: () => void;
}

/**
 * Saga undo "withdraw the lead": only the lead that saga created, and only while it is still
 * Open (a lead reused by other installs, or converted meanwhile, stays). Always answered, so
 * the saga can finish its undo; a redelivery answers again with the same reply id.
 */
export function onWithdrawLead(deps: WithdrawLeadDeps) {
  return async (event: CloudEvent<unknown>): Promise<void> => {
    const cmd = parseData(WithdrawLeadV1, event.data);
    const now = deps.clock.now();
    const trace = traceContext(event);
    const data: LeadWithdrawnV1 = { sagaId: cmd.sagaId, commandId: cmd.commandId, leadId: cmd.leadId };

    const withdrawn = await deps.locks.run(cmd.leadId, async () => {
      const lead = await deps.models.Lead.findById(cmd.leadId, { createdBySagaId: 1, status: 1, packageId: 1, subscriberOrgId: 1 }).lean();
      if (!lead || !mayWithdraw(lead, cmd.sagaId)) return false;
      const reply = sagaReply(cmd.commandId, ReplyType.LeadWithdrawn, event.key ?? installationKey(lead.packageId, lead.subscriberOrgId), data, now, trace);
      await deps.models.Lead.updateOne(
        { _id: cmd.leadId },
        { $set: { status: 'Withdrawn', withdrawnAt: now, withdrawnReason: cmd.reason, openKey: cmd.leadId, updatedAt: now }, ...outboxUpdate([reply], now) },
      );
      return true;
    });
    if (withdrawn) deps.kick();
    else await deps.publisher.publish([sagaReply(cmd.commandId, ReplyType.LeadWithdrawn, event.key, data, now, trace)]);
  };
}
