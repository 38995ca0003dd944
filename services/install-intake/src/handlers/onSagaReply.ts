import { LeadResolutionParkedV1, LeadResolvedV1, LeadWithdrawnV1, LicenseCreatedReplyV1, LicenseCreationFailedV1, LicenseCreationParkedV1, ReplyType, parseData, type CloudEvent, traceContext } from '@lma/contracts';
import type { Clock, Logger } from '@lma/core';
import { applyReply, type Reply } from '../domain/onboarding';
import type { SagaStore } from '../infra/sagaStore';

export interface ReplyDeps {
  sagas: SagaStore;
  clock: Clock;
}

/** Turns a reply record into the saga's view of it; null for types that are not replies. */
export function toReply(event: CloudEvent<unknown>): (Reply & { sagaId: string }) | null {
  switch (event.type) {
    case ReplyType.LeadResolved: {
      const d = parseData(LeadResolvedV1, event.data);
      const { sagaId, commandId, ...lead } = d;
      return { kind: 'lead-resolved', sagaId, commandId, lead };
    }
    case ReplyType.LeadResolutionParked: {
      const d = parseData(LeadResolutionParkedV1, event.data);
      return { kind: 'lead-parked', sagaId: d.sagaId, commandId: d.commandId, reason: d.reason, detail: d.detail };
    }
    case ReplyType.LeadWithdrawn: {
      const d = parseData(LeadWithdrawnV1, event.data);
      return { kind: 'lead-withdrawn', sagaId: d.sagaId, commandId: d.commandId };
    }
    case ReplyType.LicenseCreated: {
      const d = parseData(LicenseCreatedReplyV1, event.data);
      return { kind: 'license-created', sagaId: d.sagaId, commandId: d.commandId, licenseId: d.licenseId, licenseName: d.licenseName };
    }
    case ReplyType.LicenseCreationParked: {
      const d = parseData(LicenseCreationParkedV1, event.data);
      return { kind: 'license-parked', sagaId: d.sagaId, commandId: d.commandId, reason: d.reason, detail: d.detail };
    }
    case ReplyType.LicenseCreationFailed: {
      const d = parseData(LicenseCreationFailedV1, event.data);
      return { kind: 'license-failed', sagaId: d.sagaId, commandId: d.commandId, reason: d.reason };
    }
    default:
      return null;
  }
}

/** Applies a step's reply to its saga; stale and duplicate replies change nothing. */
export function onSagaReply(deps: ReplyDeps) {
  return async (event: CloudEvent<unknown>, ctx: { logger: Logger }): Promise<void> => {
    const reply = toReply(event);
    if (!reply) return;
    const now = deps.clock.now();
    const { moved } = await deps.sagas.transition(reply.sagaId, (saga) => applyReply(saga, reply, now), now, traceContext(event));
    if (!moved) ctx.logger.debug({ saga_id: reply.sagaId, kind: reply.kind }, 'reply changed nothing (duplicate, stale or unknown saga)');
  };
}
