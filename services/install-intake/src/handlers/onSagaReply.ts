import {
  LicenseCreatedReplyV1,
  LicenseCreationFailedV1,
  LicenseCreationParkedV1,
  ReplyType,
  parseData,
  type CloudEvent,
} from '@lma/contracts';
import type { Clock, Logger } from '@lma/core';
import type { DocumentLocks } from '@lma/kafka';
import { applyReply, type Reply } from '../domain/onboarding';
import type { Models } from '../infra/models';

export interface ReplyDeps {
  models: Models;
  locks: DocumentLocks;
  clock: Clock;
}

function toReply(event: CloudEvent<unknown>): (Reply & { sagaId: string }) | null {
  switch (event.type) {
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
    await deps.locks.run(reply.sagaId, async () => {
      const saga = await deps.models.Onboarding.findById(reply.sagaId, { state: 1, pendingCommandId: 1 }).lean();
      if (!saga) {
        ctx.logger.warn({ saga_id: reply.sagaId }, 'reply for an unknown saga: ignored');
        return;
      }
      const change = applyReply(saga, reply, deps.clock.now());
      if (!change) return;
      const { step, ...fields } = change;
      // conditional on the command still pending: a duplicate reply cannot apply twice
      await deps.models.Onboarding.updateOne(
        { _id: reply.sagaId, pendingCommandId: reply.commandId, state: saga.state },
        { $set: fields, $push: { steps: step } },
      );
    });
  };
}
