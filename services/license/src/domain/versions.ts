import type { PackageVersionUploadedV1 } from '@lma/contracts';

/** Compares dotted version numbers numerically: 1.10.0 is newer than 1.9.3. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/**
 * The latest version of a package: the highest released, non-beta version number uploaded so far.
 * Kept as its own small document per package (`_id` the package id), whether or not the package
 * is registered yet, and copied onto the package.
 */
export interface LatestVersion {
  _id: string;
  packageVersionId: string;
  versionNumber: string;
  releasedAt: string;
}

/** The latest version once `uploaded` is known; null when it does not change (a beta, an older or the same number). */
export function latestVersionAfter(current: LatestVersion | null, uploaded: PackageVersionUploadedV1): LatestVersion | null {
  if (uploaded.beta) return null;
  if (current && compareVersions(uploaded.versionNumber, current.versionNumber) <= 0) return null;
  return { _id: uploaded.packageId, packageVersionId: uploaded.packageVersionId, versionNumber: uploaded.versionNumber, releasedAt: uploaded.releasedAt };
}
