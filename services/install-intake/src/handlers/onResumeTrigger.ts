import { LeadEventType, LeadRoutingChangedV1, MarketplaceEventType, PackageRegisteredV1, PackageVersionUploadedV1, TeamMemberChangedV1, parseData, type CloudEvent, traceContext } from '@lma/contracts';
import type { Clock } from '@lma/core';
import { LEAD_STEP_REASONS, resumeOn, type ResumeCause } from '../domain/onboarding';
import type { SagaStore } from '../infra/sagaStore';

export interface ResumeDeps {
  sagas: SagaStore;
  clock: Clock;
}

/**
 * Parked sagas resume by themselves when what parked them is fixed: a package registered, a
 * version uploaded, a lead manager set, reactivated or added. (If the fixing event races the
 * license or lead service, the re-sent step parks again and the sweeper retries it later.)
 * Candidates come from the timers of parked sagas; each saga decides for itself.
 */
export function onResumeTrigger(deps: ResumeDeps) {
  const resumeWhere = async (cause: ResumeCause, why: string, event: CloudEvent<unknown>) => {
    for (const sagaId of await deps.sagas.parkedFor(cause)) {
      const now = deps.clock.now();
      await deps.sagas.transition(sagaId, (saga) => resumeOn(saga, cause, now, why), now, traceContext(event));
    }
  };
  return async (event: CloudEvent<unknown>): Promise<void> => {
    switch (event.type) {
      case MarketplaceEventType.PackageRegistered: {
        const d = parseData(PackageRegisteredV1, event.data);
        await resumeWhere({ packageId: d.packageId, reasons: ['package-not-registered'] }, `package ${d.packageId} registered`, event);
        return;
      }
      case MarketplaceEventType.PackageVersionUploaded: {
        const d = parseData(PackageVersionUploadedV1, event.data);
        await resumeWhere({ packageId: d.packageId, reasons: ['version-not-uploaded'] }, `version ${d.packageVersionId} uploaded`, event);
        return;
      }
      case LeadEventType.LeadRoutingChanged: {
        const d = parseData(LeadRoutingChangedV1, event.data);
        await resumeWhere({ packageId: d.packageId, reasons: LEAD_STEP_REASONS }, `lead routing of ${d.packageId} changed`, event);
        return;
      }
      case LeadEventType.TeamMemberChanged: {
        const d = parseData(TeamMemberChangedV1, event.data);
        if (d.active) await resumeWhere({ reasons: LEAD_STEP_REASONS }, `team member ${d.teamMemberId} active`, event);
        return;
      }
    }
  };
}
