import { LeadCreatedV1, LeadEventType, LeadRoutingChangedV1, NotificationInputType, TeamMemberChangedV1, parseData, type CloudEvent } from '@lma/contracts';
import { raise, type NotifierDeps } from '../infra/notifier';

/**
 * The lead service's facts: the team directory (who gets alerts by id or role), each package's
 * lead manager, and created leads (their company for license alerts, and the lead-created alert).
 */
export function onLeadEvent(deps: NotifierDeps & { linkBaseUrl: string; eventMaxAgeMs: number }) {
  return async (event: CloudEvent<unknown>): Promise<void> => {
    const m = deps.models;
    switch (event.type) {
      case LeadEventType.TeamMemberChanged: {
        const d = parseData(TeamMemberChangedV1, event.data);
        const profile = { ...(d.name !== undefined ? { name: d.name } : {}), ...(d.email !== undefined ? { email: d.email.toLowerCase() } : {}), ...(d.roles ? { roles: d.roles } : {}) };
        await m.TeamMember.updateOne({ _id: d.teamMemberId }, { $set: { active: d.active, ...profile, updatedAt: deps.clock.now() } }, { upsert: true });
        return;
      }
      case LeadEventType.LeadRoutingChanged: {
        const d = parseData(LeadRoutingChangedV1, event.data);
        await m.PackageRouting.updateOne({ _id: d.packageId }, { $set: { leadManagerId: d.leadManagerId } }, { upsert: true });
        return;
      }
      case NotificationInputType.LeadCreated: {
        const d = parseData(LeadCreatedV1, event.data);
        await m.Lead.updateOne({ _id: d.leadId }, { $set: { company: d.company, ownerId: d.ownerId } }, { upsert: true });
        const occurredAt = new Date(d.createdAt);
        if (deps.clock.now().getTime() - occurredAt.getTime() > deps.eventMaxAgeMs) return;
        await raise(deps, {
          kind: 'lead-created',
          occasion: `lead-created:${d.leadId}`,
          packageId: d.packageId,
          subscriberOrgId: d.subscriberOrgId,
          leadId: d.leadId,
          ownerId: d.ownerId,
          occurredAt,
          values: {
            leadId: d.leadId,
            packageId: d.packageId,
            subscriberOrgId: d.subscriberOrgId,
            company: d.company,
            leadName: `${d.firstName} ${d.lastName}`.trim(),
            leadEmail: d.email,
            ownerId: d.ownerId,
            leadSource: d.leadSource,
            leadUrl: `${deps.linkBaseUrl}/leads/${d.leadId}`,
          },
        });
        return;
      }
    }
  };
}
