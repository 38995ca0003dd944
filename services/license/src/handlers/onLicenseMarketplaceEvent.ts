import { MarketplaceEventType, OrgChangedV1, PackageUninstalledV1, PackageUpgradedV1, UserLicenseChangedV1, parseData, type CloudEvent, traceContext, type TraceContext } from '@lma/contracts';
import type { Clock } from '@lma/core';
import { orgLicensesKey } from '../domain/keys';
import { licenseIdFor } from '../domain/license';
import type { LicenseChange } from '../domain/lifecycle';
import { applyChange, applyPendingChanges, licensesListed, recordOrgChange, storePending, type ChangeDeps } from '../infra/licenseChanges';

export interface LicenseChangeDeps extends ChangeDeps {
  clock: Clock;
}

/** Accepted marketplace events that change existing licenses. */
export const LICENSE_CHANGE_EVENTS: ReadonlySet<string> = new Set([
  MarketplaceEventType.PackageUpgraded,
  MarketplaceEventType.PackageUninstalled,
  MarketplaceEventType.OrgChanged,
  MarketplaceEventType.UserLicenseChanged,
]);

function toChange(event: CloudEvent<unknown>): Exclude<LicenseChange, { kind: 'lead-converted' }> {
  const id = event.id;
  switch (event.type) {
    case MarketplaceEventType.PackageUpgraded:
      return { kind: 'upgraded', id, data: parseData(PackageUpgradedV1, event.data) };
    case MarketplaceEventType.PackageUninstalled:
      return { kind: 'uninstalled', id, data: parseData(PackageUninstalledV1, event.data) };
    case MarketplaceEventType.UserLicenseChanged:
      return { kind: 'user-license', id, data: parseData(UserLicenseChangedV1, event.data) };
    default:
      return { kind: 'org-changed', id, data: parseData(OrgChangedV1, event.data) };
  }
}

/**
 * Upgrades, uninstalls and seat changes apply to the one license of their package and org; org
 * changes to every license of the org (listed under the org: domain/keys.ts). A change for a
 * license that does not exist yet (the onboarding saga has not created it) is not an error and is
 * not retried: it is kept as a pending change and applied right after the license is created, so
 * nothing is lost however long the saga is parked, and the consumer never blocks on it.
 */
export function onLicenseMarketplaceEvent(deps: LicenseChangeDeps) {
  return async (event: CloudEvent<unknown>): Promise<void> => {
    const change = toChange(event);
    const now = deps.clock.now();
    const trace = traceContext(event);
    if (change.kind === 'org-changed') {
      // logged first: a license created after this finds it (see applyPendingChanges)
      await recordOrgChange(deps, change);
      for (const licenseId of await licensesListed(deps, orgLicensesKey(change.data.subscriberOrgId))) {
        await applyChange(deps, licenseId, change, now, trace);
      }
    } else {
      await applyToOne(deps, licenseIdFor(change.data.packageId, change.data.subscriberOrgId), change, now, trace);
    }
  };
}

async function applyToOne(deps: LicenseChangeDeps, licenseId: string, change: LicenseChange, now: Date, trace: TraceContext): Promise<void> {
  if ((await applyChange(deps, licenseId, change, now, trace)).result === 'done') return;
  await storePending(deps, licenseId, change, now);
  // The license may have been created or reinstalled since (by another replica, which looked for
  // pending changes before this one was stored): apply what is pending now if it exists.
  const l = await deps.data.licenses.get(licenseId);
  if (l?.licenseName) await applyPendingChanges(deps, l, now, trace);
}
