import { LeadConvertedV1, LeadEventType, LeadRoutingChangedV1, parseData, type CloudEvent, traceContext } from '@lma/contracts';
import type { Clock } from '@lma/core';
import type { LicenseChange } from '../domain/lifecycle';
import { applyChange, recordLeadConversion, type ChangeDeps } from '../infra/licenseChanges';

export interface LeadEventDeps extends ChangeDeps {
  clock: Clock;
  kick: () => void;
}

/**
 * `lma.lead.routing-changed`: the package shows its lead manager (the lead service owns the
 * routing; the package record mirrors it for the partner).
 * `lma.lead.converted`: every license of the lead is linked to the new account and contact, one
 * `lma.license.linked` per license. The conversion is kept too, so that a license of that lead
 * created later (its saga resolved the lead before the conversion) is linked when it is created.
 */
export function onLeadEvent(deps: LeadEventDeps) {
  return async (event: CloudEvent<unknown>): Promise<void> => {
    if (event.type === LeadEventType.LeadRoutingChanged) {
      const d = parseData(LeadRoutingChangedV1, event.data);
      await deps.models.Package.updateOne({ _id: d.packageId }, { $set: { leadManagerId: d.leadManagerId } });
      return;
    }
    if (event.type !== LeadEventType.LeadConverted) return;
    const change = { kind: 'lead-converted', id: event.id, data: parseData(LeadConvertedV1, event.data) } satisfies LicenseChange;
    const now = deps.clock.now();
    await recordLeadConversion(deps.models, change);
    const licenses = await deps.models.License.find({ leadId: change.data.leadId }, { _id: 1 }).lean();
    for (const l of licenses) await applyChange(deps, l._id, change, now, traceContext(event));
    deps.kick();
  };
}
