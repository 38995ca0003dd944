import type { Installer, PackageInstalledV1, SnapshotInstallation } from '@lma/contracts';
import type { Onboarding } from './onboarding';

/**
 * A snapshot installation (a refresh found it without a license) as the install that starts its
 * onboarding saga. The saga id derives from the package and org (`onb:snapshot:<pkg>:<org>`), so
 * a repeated refresh finds the saga it started and starts no second one.
 */
export const snapshotInstallEventId = (packageId: string, subscriberOrgId: string): string => `snapshot:${packageId}:${subscriberOrgId}`;

/**
 * The lead needs an installer; a snapshot gives one only when the marketplace knows it. Otherwise
 * the lead is made for the org: first name `Unknown`, last name `Installer`, company the org's
 * name, and an address in the reserved `.invalid` domain that names the org (so it can never
 * match a real contact, and two orgs never share one).
 */
export function placeholderInstaller(i: Pick<SnapshotInstallation, 'subscriberOrgId' | 'org'>): Installer {
  return { firstName: 'Unknown', lastName: 'Installer', email: `installer.${i.subscriberOrgId.toLowerCase()}@unknown.invalid`, company: i.org.name };
}

export function installFromSnapshot(i: SnapshotInstallation): PackageInstalledV1 {
  return {
    packageId: i.packageId,
    packageVersionId: i.packageVersionId,
    versionNumber: i.versionNumber,
    subscriberOrgId: i.subscriberOrgId,
    installedAt: i.installedAt,
    installer: i.installer ?? placeholderInstaller(i),
    org: i.org,
  };
}

/**
 * Whether an installation has an onboarding other than `sagaId` that is under way or done (not
 * failed): a refresh then starts none (a live install that is parked, an earlier refresh).
 */
export const otherOnboardingUnderway = (sagas: readonly Pick<Onboarding, '_id' | 'state'>[], sagaId: string): boolean =>
  sagas.some((s) => s._id !== sagaId && s.state !== 'failed');
