import { describe, expect, it } from 'vitest';
import { examplePackageInstalled, type SnapshotInstallation } from '@lma/contracts';
import { sagaIdFor } from '../src/domain/onboarding';
import { installFromSnapshot, otherOnboardingUnderway, snapshotInstallEventId } from '../src/domain/snapshotInstall';

const { installer, ...rest } = examplePackageInstalled;
const snapshot: SnapshotInstallation = { ...rest, uninstalled: false, usedLicenses: 2 };

describe('onboarding from a snapshot installation', () => {
  it('given the installer, then the install carries it', () => {
    expect(installFromSnapshot({ ...snapshot, installer })).toEqual(examplePackageInstalled);
  });

  it('given no installer, then a placeholder unique to the org that can never match a real contact', () => {
    expect(installFromSnapshot(snapshot).installer).toEqual({
      firstName: 'Unknown',
      lastName: 'Installer',
      email: `installer.${snapshot.subscriberOrgId.toLowerCase()}@unknown.invalid`,
      company: snapshot.org.name,
    });
  });

  it('derives one saga per package and org, whichever refresh starts it', () => {
    expect(sagaIdFor(snapshotInstallEventId(snapshot.packageId, snapshot.subscriberOrgId))).toBe(`onb:snapshot:${snapshot.packageId}:${snapshot.subscriberOrgId}`);
  });

  it('given another onboarding of the installation under way or done, then a refresh starts none; a failed one or its own does not count', () => {
    const own = sagaIdFor(snapshotInstallEventId(snapshot.packageId, snapshot.subscriberOrgId));
    expect(otherOnboardingUnderway([{ _id: 'onb:live', state: 'parked' }], own)).toBe(true);
    expect(otherOnboardingUnderway([{ _id: 'onb:live', state: 'completed' }], own)).toBe(true);
    expect(otherOnboardingUnderway([{ _id: 'onb:live', state: 'failed' }, { _id: own, state: 'lead_requested' }], own)).toBe(false);
    expect(otherOnboardingUnderway([], own)).toBe(false);
  });
});
