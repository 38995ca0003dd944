import { CommandType, InvalidEventError, type CloudEvent } from '@lma/contracts';
import { onResolveLead, type ResolveLeadDeps } from './onResolveLead';
import { onWithdrawLead, type WithdrawLeadDeps } from './onWithdrawLead';

/** `lma.lead.commands`: one handler per command type; anything else is dead-lettered with the reason. */
export function onLeadCommand(deps: ResolveLeadDeps & WithdrawLeadDeps) {
  const resolve = onResolveLead(deps);
  const withdraw = onWithdrawLead(deps);
  return async (event: CloudEvent<unknown>): Promise<void> => {
    switch (event.type) {
      case CommandType.ResolveLead:
        return resolve(event);
      case CommandType.WithdrawLead:
        return withdraw(event);
      default:
        throw new InvalidEventError('header ce_type', `unknown lead command ${JSON.stringify(event.type)}`);
    }
  };
}
