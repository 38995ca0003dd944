import {
  MarketplaceEventType,
  PackageRegisteredV1,
  PackageVersionUploadedV1,
  parseData,
  type CloudEvent,
} from '@lma/contracts';
import type { Clock } from '@lma/core';
import { compareVersions } from '../domain/versions';
import type { Models } from '../infra/models';

export interface PackageDeps {
  models: Models;
  clock: Clock;
}

/**
 * Packages and versions exist only because the marketplace said so. Marketplace-owned fields
 * follow the latest registration; partner-owned ones (lead manager, owner) are never touched here.
 */
export function onPackageEvent(deps: PackageDeps) {
  return async (event: CloudEvent<unknown>): Promise<void> => {
    const now = deps.clock.now();
    if (event.type === MarketplaceEventType.PackageRegistered) {
      const d = parseData(PackageRegisteredV1, event.data);
      await deps.models.Package.updateOne(
        { _id: d.packageId },
        {
          $set: {
            packageName: d.packageName,
            developerName: d.developerName,
            developerOrgId: d.developerOrgId,
            registeredAt: d.registeredAt,
            registrationEventId: event.id,
            updatedAt: now,
          },
          $setOnInsert: {
            defaultLicense: d.defaultLicense,
            sandboxSiteLicense: true,
            leadManagerId: null,
            ownerId: null,
            latestVersionId: null,
            latestVersionNumber: null,
            latestReleasedAt: null,
          },
        },
        { upsert: true },
      );
      await linkLatestVersion(deps.models, d.packageId);
    } else if (event.type === MarketplaceEventType.PackageVersionUploaded) {
      const d = parseData(PackageVersionUploadedV1, event.data);
      await deps.models.PackageVersion.updateOne(
        { _id: d.packageVersionId },
        { $set: { packageId: d.packageId, versionName: d.versionName, versionNumber: d.versionNumber, beta: d.beta, releasedAt: d.releasedAt } },
        { upsert: true },
      );
      await linkLatestVersion(deps.models, d.packageId);
    }
  };
}

/** The package's latest version is the highest released, non-beta version number known. */
async function linkLatestVersion(m: Models, packageId: string): Promise<void> {
  const versions = await m.PackageVersion.find({ packageId, beta: false }, { versionNumber: 1, releasedAt: 1 }).lean();
  if (versions.length === 0) return;
  const latest = versions.reduce((a, b) => (compareVersions(b.versionNumber, a.versionNumber) > 0 ? b : a));
  await m.Package.updateOne(
    { _id: packageId },
    { $set: { latestVersionId: latest._id, latestVersionNumber: latest.versionNumber, latestReleasedAt: latest.releasedAt } },
  );
}
