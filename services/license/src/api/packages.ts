import type { Express } from 'express';
import { keysetPage, licenseApi, mountRoute, pageFrom } from '@lma/api';
import { NotFoundError, RetryableError } from '@lma/core';
import { decideDefaultsChange, type Package, type PackageAuditEntry, type PackageVersion } from '../domain/packages';
import { ClaimCollection } from '../infra/models';
import type { ApiDeps } from './deps';

const packageView = (p: Package) => ({
  packageId: p._id,
  packageName: p.packageName,
  developerName: p.developerName,
  developerOrgId: p.developerOrgId,
  registeredAt: p.registeredAt,
  defaultLicense: p.defaultLicense,
  sandboxSiteLicense: p.sandboxSiteLicense,
  leadManagerId: p.leadManagerId ?? null,
  ownerId: p.ownerId ?? null,
  latestVersionId: p.latestVersionId ?? null,
  latestVersionNumber: p.latestVersionNumber ?? null,
  latestReleasedAt: p.latestReleasedAt ?? null,
  revision: p.revision ?? 0,
});
const versionView = (v: PackageVersion) => ({
  packageVersionId: v._id,
  packageId: v.packageId,
  versionName: v.versionName,
  versionNumber: v.versionNumber,
  beta: v.beta,
  releasedAt: v.releasedAt,
});

const MAX_ROUNDS = 5;

/** Packages (only the default license values are editable) and their read-only versions. */
export function mountPackages(app: Express, deps: ApiDeps): void {
  const m = deps.models;
  const existing = async (packageId: string) => {
    const p = await m.Package.findById(packageId, { registrationEventId: 0 }).lean();
    if (!p) throw new NotFoundError(`Package ${packageId}`);
    return p as Package;
  };

  mountRoute(app, licenseApi.listPackages, async ({ query: q }) => {
    const { filter, sort } = keysetPage({}, 'packageName', 1, q.cursor);
    const docs = (await m.Package.find(filter, { registrationEventId: 0 }).sort(sort).limit(q.limit + 1).lean()) as Package[];
    const page = pageFrom(docs, q.limit, (p) => p.packageName);
    return { items: page.items.map(packageView), nextCursor: page.nextCursor };
  });

  mountRoute(app, licenseApi.getPackage, async ({ params }) => packageView(await existing(params.packageId)));

  /**
   * The default license values by hand: one write of the package with its next revision and the
   * audit entry it carries, copied to package_audit right after; a change that would replace an
   * entry not copied yet (a crash in between) copies it first.
   */
  mountRoute(app, licenseApi.updatePackage, async ({ params, body, principal, precondition }) => {
    const now = deps.clock.now();
    const settled = new Set<string>();
    const settle = async (entry: PackageAuditEntry) => {
      await deps.data.store.claimKey(ClaimCollection.PackageAudit, { ...entry });
      settled.add(entry._id);
    };
    for (let round = 1; round <= MAX_ROUNDS; round++) {
      const r = await deps.data.packages.update<'unsettled'>(params.packageId, (current) => {
        if (!current) throw new NotFoundError(`Package ${params.packageId}`);
        precondition(current.revision ?? 0);
        const state = decideDefaultsChange(current, body, principal.subject, now);
        if (!state) return null;
        return current.lastAudit && !settled.has(current.lastAudit._id) ? { result: 'unsettled' } : { state };
      });
      if (r.result === 'unsettled') {
        await settle(r.state!.lastAudit!);
        continue;
      }
      if (r.written) await settle(r.state!.lastAudit!);
      return packageView(r.state!);
    }
    throw new RetryableError(`package ${params.packageId} changed ${MAX_ROUNDS} times while a change was decided; will retry`);
  });

  mountRoute(app, licenseApi.listPackageVersions, async ({ params, query: q }) => {
    const { filter, sort } = keysetPage({ packageId: params.packageId }, 'releasedAt', -1, q.cursor);
    const docs = (await m.PackageVersion.find(filter).sort(sort).limit(q.limit + 1).lean()) as PackageVersion[];
    const page = pageFrom(docs, q.limit, (v) => v.releasedAt);
    return { items: page.items.map(versionView), nextCursor: page.nextCursor };
  });

  mountRoute(app, licenseApi.getPackageVersion, async ({ params }) => {
    const v = await m.PackageVersion.findById(params.packageVersionId).lean();
    if (!v) throw new NotFoundError(`Package version ${params.packageVersionId}`);
    return versionView(v as PackageVersion);
  });
}
