import { LeadConvertedV1, LeadEventType, LeadRoutingChangedV1, parseData, type CloudEvent, traceContext } from '@lma/contracts';
import type { Clock } from '@lma/core';
import { leadLicensesKey } from '../domain/keys';
import type { LicenseChange } from '../domain/lifecycle';
import { withLeadManager } from '../domain/packages';
import { applyChange, licensesListed, recordLeadConversion, type ChangeDeps } from '../infra/licenseChanges';

export interface LeadEventDeps extends ChangeDeps {
  clock: Clock;
}

/**
 * `lma.lead.routing-changed`: the package shows its lead manager (the lead service owns the
 * routing; the package record mirrors it for the partner).
 * `lma.lead.converted`: every license of the lead (listed under the lead: domain/keys.ts) is
 * linked to the new account and contact, one `lma.license.linked` per license. The conversion is
 * kept too, so that a license of that lead created later (its saga resolved the lead before the
 * conversion) is linked when it is created.
 */
export function onLeadEvent(deps: LeadEventDeps) {
  return async (event: CloudEvent<unknown>): Promise<void> => {
    if (event.type === LeadEventType.LeadRoutingChanged) {
      const d = parseData(LeadRoutingChangedV1, event.data);
      await deps.data.packages.update(d.packageId, (current) => {
        const state = withLeadManager(current, d.leadManagerId);
        return state ? { state } : null;
      });
      return;
    }
    if (event.type !== LeadEventType.LeadConverted) return;
    const change = { kind: 'lead-converted', id: event.id, data: parseData(LeadConvertedV1, event.data) } satisfies LicenseChange;
    const now = deps.clock.now();
    await recordLeadConversion(deps, change);
    for (const licenseId of await licensesListed(deps, leadLicensesKey(change.data.leadId))) {
      await applyChange(deps, licenseId, change, now, traceContext(event));
    }
  };
}
