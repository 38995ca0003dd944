import { LeadEventType, LeadRoutingChangedV1, MarketplaceEventType, PackageRegisteredV1, PackageVersionUploadedV1, TeamMemberChangedV1, parseData, type CloudEvent, type ParkReason, traceContext } from '@lma/contracts';
import type { Clock } from '@lma/core';
import type { DocumentLocks } from '@lma/kafka';
import { LEAD_STEP_REASONS, resume } from '../domain/onboarding';
import type { Models } from '../infra/models';
import { transition } from '../infra/sagaStore';

export interface ResumeDeps {
  models: Models;
  locks: DocumentLocks;
  clock: Clock;
  kick: () => void;
}

/**
 * Parked sagas resume by themselves when what parked them is fixed: a package registered, a
 * version uploaded, a lead manager set, reactivated or added. (If the fixing event races the
 * license or lead service, the re-sent step parks again and the sweeper retries it later.)
 */
export function onResumeTrigger(deps: ResumeDeps) {
  const resumeWhere = async (filter: { packageId?: string; parkedReason: { $in: ParkReason[] } }, why: string, event: CloudEvent<unknown>) => {
    const parked = await deps.models.Onboarding.find({ state: 'parked', ...filter }, { _id: 1 }).limit(10_000).lean();
    for (const { _id } of parked) {
      await transition(deps, _id, (saga) => resume(saga, deps.clock.now(), why), deps.clock.now(), traceContext(event));
    }
  };
  return async (event: CloudEvent<unknown>): Promise<void> => {
    switch (event.type) {
      case MarketplaceEventType.PackageRegistered: {
        const d = parseData(PackageRegisteredV1, event.data);
        await resumeWhere({ packageId: d.packageId, parkedReason: { $in: ['package-not-registered'] } }, `package ${d.packageId} registered`, event);
        return;
      }
      case MarketplaceEventType.PackageVersionUploaded: {
        const d = parseData(PackageVersionUploadedV1, event.data);
        await resumeWhere({ packageId: d.packageId, parkedReason: { $in: ['version-not-uploaded'] } }, `version ${d.packageVersionId} uploaded`, event);
        return;
      }
      case LeadEventType.LeadRoutingChanged: {
        const d = parseData(LeadRoutingChangedV1, event.data);
        await resumeWhere({ packageId: d.packageId, parkedReason: { $in: [...LEAD_STEP_REASONS] } }, `lead routing of ${d.packageId} changed`, event);
        return;
      }
      case LeadEventType.TeamMemberChanged: {
        const d = parseData(TeamMemberChangedV1, event.data);
        if (d.active) await resumeWhere({ parkedReason: { $in: [...LEAD_STEP_REASONS] } }, `team member ${d.teamMemberId} active`, event);
        return;
      }
    }
  };
}
