import { createHash } from 'node:crypto';
import type { SnapshotInstallation } from '@lma/contracts';

/**
 * Synthetic installations: installation `i` of a package is a pure function of the package, `i`
 * and the drift rate, so a package of any size costs no memory (pages are generated as they are
 * sent) and a benchmark can seed the matching licenses from the same function.
 */
export interface SyntheticPackage {
  packageId: string;
  count: number;
  packageVersionId: string;
  versionNumber: string;
  /** Installed version of drifted installations whose version drifted. */
  driftVersionId: string;
  driftVersionNumber: string;
  /** Share of installations (0..1) whose snapshot differs from what the marketplace published. */
  drift: number;
}

/** 15 characters, `00D` + 12: a package-specific 3-character stem and `i` in base 36. */
export function syntheticOrgId(packageId: string, i: number): string {
  const stem = packageId.slice(-3).toUpperCase().replace(/[^A-Z0-9]/g, '0');
  return `00D${stem}${i.toString(36).toUpperCase().padStart(9, '0')}`;
}

/** A stable number in [0, 1) for (package, i, salt). */
function unit(packageId: string, i: number, salt: string): number {
  const h = createHash('sha1').update(`${packageId}:${i}:${salt}`).digest();
  return h.readUInt32BE(0) / 2 ** 32;
}

export type DriftKind = 'version' | 'org' | 'uninstalled' | 'usedLicenses';
const KINDS: DriftKind[] = ['version', 'org', 'uninstalled', 'usedLicenses'];

/** Which field of installation `i` drifted (null: none), spread evenly over the kinds. */
export function driftOf(p: Pick<SyntheticPackage, 'packageId' | 'drift'>, i: number): DriftKind | null {
  if (p.drift <= 0 || unit(p.packageId, i, 'drift') >= p.drift) return null;
  return KINDS[Math.floor(unit(p.packageId, i, 'kind') * KINDS.length)]!;
}

/** Installation `i` as the marketplace published it (what LMA's license was made from). */
export function publishedInstallation(p: SyntheticPackage, i: number): SnapshotInstallation {
  const day = String(1 + (i % 28)).padStart(2, '0');
  return {
    packageId: p.packageId,
    packageVersionId: p.packageVersionId,
    versionNumber: p.versionNumber,
    subscriberOrgId: syntheticOrgId(p.packageId, i),
    installedAt: `2026-01-${day}T10:00:00Z`,
    org: { name: `Org ${i}`, edition: 'Enterprise', status: 'Active', instance: `NA${i % 100}`, sandbox: false },
    uninstalled: false,
    usedLicenses: 0,
  };
}

/** Installation `i` as the snapshot gives it now: the published one, drifted if it is one of the drifted. */
export function snapshotInstallation(p: SyntheticPackage, i: number): SnapshotInstallation {
  const base = publishedInstallation(p, i);
  switch (driftOf(p, i)) {
    case 'version':
      return { ...base, packageVersionId: p.driftVersionId, versionNumber: p.driftVersionNumber };
    case 'org':
      return { ...base, org: { ...base.org, edition: 'Unlimited' } };
    case 'uninstalled':
      return { ...base, uninstalled: true, usedLicenses: null };
    case 'usedLicenses':
      return { ...base, usedLicenses: 1 + (i % 7) };
    default:
      return base;
  }
}
