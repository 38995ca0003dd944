import { MarketplaceEventType, PackageRegisteredV1, PackageVersionUploadedV1, parseData, type CloudEvent } from '@lma/contracts';
import type { Clock } from '@lma/core';
import { registeredPackage, withLatestVersion, type PackageVersion } from '../domain/packages';
import { latestVersionAfter } from '../domain/versions';
import type { LicenseData } from '../infra/aggregates';

const sameVersion = (a: PackageVersion, b: PackageVersion): boolean => (Object.keys(b) as (keyof PackageVersion)[]).every((k) => a[k] === b[k]);

export interface PackageDeps {
  data: LicenseData;
  clock: Clock;
}

/**
 * Packages and versions exist only because the marketplace said so. Marketplace-owned fields
 * follow the latest registration; partner-owned ones (lead manager, owner) are never touched here.
 * The latest version (domain/versions.ts) is kept per package as versions arrive, registered or
 * not yet, and copied onto the package.
 */
export function onPackageEvent(deps: PackageDeps) {
  const { data } = deps;
  return async (event: CloudEvent<unknown>): Promise<void> => {
    const now = deps.clock.now();
    if (event.type === MarketplaceEventType.PackageRegistered) {
      const d = parseData(PackageRegisteredV1, event.data);
      const latest = await data.latestVersions.get(d.packageId);
      await data.packages.update(d.packageId, (current) => {
        const state = registeredPackage(current, d, event.id, now, latest);
        return state ? { state } : null;
      });
    } else if (event.type === MarketplaceEventType.PackageVersionUploaded) {
      const d = parseData(PackageVersionUploadedV1, event.data);
      const version: PackageVersion = { _id: d.packageVersionId, packageId: d.packageId, versionName: d.versionName, versionNumber: d.versionNumber, beta: d.beta, releasedAt: d.releasedAt };
      await data.versions.update(version._id, (current) => (current && sameVersion(current, version) ? null : { state: version }));
      const latest = await data.latestVersions.update(d.packageId, (current) => {
        const state = latestVersionAfter(current, d);
        return state ? { state } : null;
      });
      // a package registered later takes the latest version when it is registered
      await data.packages.update(d.packageId, (current) => {
        const state = current ? withLatestVersion(current, latest.state) : null;
        return state ? { state } : null;
      });
    }
  };
}
